import { describe, expect, it } from "vitest";
import { applyListQuery, compareValues, type SortableColumn } from "./list-query";

interface Row {
  name: string;
  phase?: string;
  partitions?: number;
}

const columns: SortableColumn<Row>[] = [
  { id: "name", sortValue: (r) => r.name },
  { id: "phase", sortValue: (r) => r.phase },
  { id: "partitions", sortValue: (r) => r.partitions },
];
const text = (r: Row) => `${r.name} ${r.phase ?? ""}`.toLowerCase();
const rows: Row[] = [
  { name: "orders-10", phase: "Ready", partitions: 12 },
  { name: "orders-9", phase: "Degraded", partitions: 3 },
  { name: "billing", partitions: 100 },
];

describe("applyListQuery", () => {
  it("matches every search word, case-insensitively, in any order", () => {
    const found = applyListQuery(
      rows,
      { search: "ready ORDERS", sortBy: "name", direction: "asc" },
      columns,
      text,
    );
    expect(found.map((r) => r.name)).toEqual(["orders-10"]);
  });

  it("sorts names naturally (orders-9 before orders-10) and numbers numerically", () => {
    const byName = applyListQuery(
      rows,
      { search: "", sortBy: "name", direction: "asc" },
      columns,
      text,
    );
    expect(byName.map((r) => r.name)).toEqual(["billing", "orders-9", "orders-10"]);
    const byPartitions = applyListQuery(
      rows,
      { search: "", sortBy: "partitions", direction: "desc" },
      columns,
      text,
    );
    expect(byPartitions.map((r) => r.partitions)).toEqual([100, 12, 3]);
  });

  it("keeps objects without a value last in both directions, and leaves the input alone", () => {
    for (const direction of ["asc", "desc"] as const) {
      const sorted = applyListQuery(
        rows,
        { search: "", sortBy: "phase", direction },
        columns,
        text,
      );
      expect(sorted[2]?.name).toBe("billing");
    }
    expect(rows[0]?.name).toBe("orders-10");
  });

  it("filters and sorts 5,000 objects in well under a frame budget of work", () => {
    const many: Row[] = Array.from({ length: 5_000 }, (_, i) => ({
      name: `topic-${i}`,
      phase: i % 7 === 0 ? "Degraded" : "Ready",
      partitions: i % 50,
    }));
    const started = performance.now();
    const found = applyListQuery(
      many,
      { search: "degraded", sortBy: "partitions", direction: "desc" },
      columns,
      text,
    );
    const elapsed = performance.now() - started;
    expect(found).toHaveLength(715);
    expect(found[0]?.partitions).toBe(49);
    expect(elapsed).toBeLessThan(200);
  });
});

describe("compareValues", () => {
  it("puts undefined after any value", () => {
    expect(compareValues(undefined, "a")).toBeGreaterThan(0);
    expect(compareValues(1, undefined)).toBeLessThan(0);
    expect(compareValues(undefined, undefined)).toBe(0);
  });
});
