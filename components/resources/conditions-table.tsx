"use client";

import { Label } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import type { Condition } from "@/lib/crds/common";
import { conditionGenerationText } from "./blockers";
import { conditionColor } from "./model";

/**
 * `status.conditions` as a table: type, status, reason, message, the generation each condition
 * was written for, and last transition. A condition computed for an older generation than the
 * object's says so neutrally ("computed for generation N"): whether the spec is applied is the
 * summary's verdict (`status.observedGeneration`), not one condition's.
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
                {conditionGenerationText(c.observedGeneration, generation)}
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
