"use client";

import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import { useNow } from "../use-now";
import type { ResourceColumn } from "./columns";
import type { ListQuery } from "./list-query";
import type { Resource } from "./model";

/** Height of one compact row in pixels, the virtualizer's estimate before it measures. */
const ROW_HEIGHT_PX = 37;
/** Rows rendered beyond the visible ones, above and below, so fast scrolling shows no gaps. */
const OVERSCAN_ROWS = 10;

/**
 * A sortable table that renders only the rows in view (plus {@link OVERSCAN_ROWS}), so 5,000
 * objects cost as much DOM as a screenful. Rows outside the window are replaced by two spacer
 * rows of their height, which keeps the native table layout, the sticky header and the
 * scrollbar. The scroll area is focusable (keyboard users scroll it with the arrow keys) and
 * `aria-rowcount`/`aria-rowindex` tell screen readers the full size.
 *
 * @see https://tanstack.com/virtual/latest/docs/api/virtualizer
 * @see https://www.w3.org/WAI/ARIA/apg/patterns/table/
 */
export function VirtualResourceTable({
  label,
  items,
  columns,
  query,
  onSort,
  rowTestId,
}: {
  label: string;
  items: readonly Resource[];
  columns: readonly ResourceColumn[];
  query: ListQuery;
  onSort: (columnId: string, direction: "asc" | "desc") => void;
  rowTestId: (item: Resource) => string;
}) {
  const now = useNow();
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is used as documented
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT_PX,
    overscan: OVERSCAN_ROWS,
    getItemKey: (index) => {
      const item = items[index];
      return item ? `${item.metadata.namespace ?? ""}/${item.metadata.name}` : index;
    },
  });
  const rows = virtualizer.getVirtualItems();
  const first = rows[0];
  const last = rows[rows.length - 1];
  const padTop = first ? first.start : 0;
  const padBottom = last ? virtualizer.getTotalSize() - last.end : 0;
  const sortIndex = columns.findIndex((c) => c.id === query.sortBy);

  return (
    <div
      ref={scrollRef}
      role="region"
      aria-label={`${label}, ${items.length} rows`}
      tabIndex={0}
      data-testid="resource-table-scroll"
      style={{ maxHeight: "70vh", overflow: "auto" }}
    >
      <Table
        aria-label={label}
        aria-rowcount={items.length + 1}
        variant="compact"
        isStickyHeader
        data-testid="resource-table"
        data-total-rows={items.length}
      >
        <Thead>
          <Tr aria-rowindex={1}>
            {columns.map((column, columnIndex) => (
              <Th
                key={column.id}
                sort={{
                  columnIndex,
                  sortBy: { index: sortIndex, direction: query.direction },
                  onSort: (_event, _index, direction) => onSort(column.id, direction),
                }}
              >
                {column.title}
              </Th>
            ))}
          </Tr>
        </Thead>
        <Tbody>
          {padTop > 0 ? (
            <tr aria-hidden="true" style={{ height: padTop }}>
              <td colSpan={columns.length} style={{ padding: 0, border: 0 }} />
            </tr>
          ) : null}
          {rows.map((row) => {
            const item = items[row.index];
            if (!item) return null;
            return (
              <Tr
                key={row.key}
                data-index={row.index}
                ref={virtualizer.measureElement}
                aria-rowindex={row.index + 2}
                data-testid={rowTestId(item)}
              >
                {columns.map((column) => (
                  <Td key={column.id} dataLabel={column.title} data-testid={column.testId}>
                    {column.cell(item, now)}
                  </Td>
                ))}
              </Tr>
            );
          })}
          {padBottom > 0 ? (
            <tr aria-hidden="true" style={{ height: padBottom }}>
              <td colSpan={columns.length} style={{ padding: 0, border: 0 }} />
            </tr>
          ) : null}
        </Tbody>
      </Table>
    </div>
  );
}
