"use client";

import { Label } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import type { Condition } from "@/lib/crds/common";
import { conditionColor } from "./model";

/**
 * `status.conditions` as a table: type, status, reason, message, the generation each condition
 * was written for, and last transition. A condition written for an older generation than the
 * object's says so: its verdict is about a spec that is not the current one.
 */
export function ConditionsTable({
  conditions,
  generation,
}: {
  conditions: readonly Condition[];
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
          <Th>Generation</Th>
          <Th>Last transition</Th>
        </Tr>
      </Thead>
      <Tbody>
        {conditions.map((c) => {
          const behind =
            generation !== undefined &&
            c.observedGeneration !== undefined &&
            c.observedGeneration !== generation;
          return (
            <Tr key={c.type} data-testid={`condition-${c.type}`}>
              <Td dataLabel="Type">{c.type}</Td>
              <Td dataLabel="Status">
                <Label color={conditionColor(c.type, c.status)} isCompact>
                  {c.status}
                </Label>
              </Td>
              <Td dataLabel="Reason">{c.reason}</Td>
              <Td dataLabel="Message">{c.message}</Td>
              <Td dataLabel="Generation" data-testid="condition-generation">
                {c.observedGeneration === undefined
                  ? "—"
                  : behind
                    ? `${c.observedGeneration} of ${generation} (spec not yet applied)`
                    : String(c.observedGeneration)}
              </Td>
              <Td dataLabel="Last transition">
                <time dateTime={c.lastTransitionTime}>
                  {new Date(c.lastTransitionTime).toLocaleString()}
                </time>
              </Td>
            </Tr>
          );
        })}
      </Tbody>
    </Table>
  );
}
