"use client";

import { Label } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import type { Condition } from "@/lib/crds/common";
import { conditionColor } from "./format";

/** `status.conditions` as a table: type, status, reason, message, last transition. */
export function ConditionsTable({
  conditions,
  generation,
}: {
  conditions: Condition[];
  generation?: number;
}) {
  if (conditions.length === 0) return <p>The operator has not reported any condition yet.</p>;
  return (
    <Table aria-label="Conditions" variant="compact">
      <Thead>
        <Tr>
          <Th>Type</Th>
          <Th>Status</Th>
          <Th>Reason</Th>
          <Th>Message</Th>
          <Th>Last transition</Th>
        </Tr>
      </Thead>
      <Tbody>
        {conditions.map((c) => (
          <Tr key={c.type} data-testid={`condition-${c.type}`}>
            <Td dataLabel="Type">{c.type}</Td>
            <Td dataLabel="Status">
              <Label color={conditionColor(c.type, c.status)} isCompact>
                {c.status}
              </Label>
            </Td>
            <Td dataLabel="Reason">{c.reason}</Td>
            <Td dataLabel="Message">
              {c.message}
              {generation !== undefined &&
              c.observedGeneration !== undefined &&
              c.observedGeneration !== generation
                ? ` (for generation ${c.observedGeneration} of ${generation})`
                : ""}
            </Td>
            <Td dataLabel="Last transition">
              <time dateTime={c.lastTransitionTime}>
                {new Date(c.lastTransitionTime).toLocaleString()}
              </time>
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
