"use client";

import { Label } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import Link from "next/link";
import { HealthLabel } from "../resources/health-label";
import {
  detailHref,
  lastBackupOf,
  lastFailedBackupOf,
  phaseOf,
  type Resource,
} from "../resources/model";
import { LocalTime } from "../resources/local-time";

/** The overview's table: one row per cluster, with its namespace when several are shown. */

export interface ClusterRow {
  plural: "mysqlclusters" | "kafkaclusters";
  service: string;
  object: Resource;
}

/**
 * "<name> <time>" of the last successful backup, "no successful backup" (with the last failed
 * run, if the operator recorded one), or "—" for kinds without backups.
 */
function LastBackup({ row }: { row: ClusterRow }) {
  if (row.plural !== "mysqlclusters") return <>—</>;
  const namespace = row.object.metadata.namespace ?? "";
  const last = lastBackupOf(row.object);
  const failed = lastFailedBackupOf(row.object);
  const failedAfter = failed && (!last || failed.completedAt > last.completedAt);
  return (
    <>
      {last ? (
        <>
          <Link href={detailHref("mysqlbackups", namespace, last.name)}>{last.name}</Link>{" "}
          <LocalTime value={last.completedAt} />
        </>
      ) : (
        <>no successful backup</>
      )}
      {failed && failedAfter ? (
        <div data-testid="overview-last-failed-backup">
          <Label isCompact color="red">
            Failed
          </Label>{" "}
          <Link href={detailHref("mysqlbackups", namespace, failed.name)}>{failed.name}</Link>{" "}
          <LocalTime value={failed.completedAt} />
        </div>
      ) : null}
    </>
  );
}

/** The clusters of both kinds (MySQL first), as overview rows. */
export function clusterRows(mysql: readonly Resource[], kafka: readonly Resource[]): ClusterRow[] {
  return [
    ...mysql.map((object) => ({ plural: "mysqlclusters" as const, service: "MySQL", object })),
    ...kafka.map((object) => ({ plural: "kafkaclusters" as const, service: "Kafka", object })),
  ];
}

/**
 * The clusters with health, alerts count and last backup.
 *
 * @param counts - alerts per `namespace/cluster` (see countByCluster).
 * @param showNamespace - adds the Namespace column (all-namespaces view).
 */
export function ClusterTable({
  rows,
  counts,
  showNamespace,
}: {
  rows: readonly ClusterRow[];
  counts: ReadonlyMap<string, number>;
  showNamespace: boolean;
}) {
  return (
    <Table aria-label="Clusters" variant="compact">
      <Thead>
        <Tr>
          <Th>Name</Th>
          {showNamespace ? <Th>Namespace</Th> : null}
          <Th>Service</Th>
          <Th>Health</Th>
          <Th>Phase</Th>
          <Th>Alerts</Th>
          <Th>Last backup</Th>
        </Tr>
      </Thead>
      <Tbody>
        {rows.map((row) => {
          const { name } = row.object.metadata;
          const namespace = row.object.metadata.namespace ?? "";
          const count = counts.get(`${namespace}/${name}`) ?? 0;
          return (
            <Tr
              key={`${row.plural}/${namespace}/${name}`}
              data-testid={`overview-row-${row.plural}-${name}`}
              data-namespace={namespace}
            >
              <Td dataLabel="Name">
                <Link href={detailHref(row.plural, namespace, name)}>{name}</Link>
              </Td>
              {showNamespace ? (
                <Td dataLabel="Namespace" data-testid="overview-namespace">
                  {namespace}
                </Td>
              ) : null}
              <Td dataLabel="Service">{row.service}</Td>
              <Td dataLabel="Health" data-testid="overview-health">
                <HealthLabel object={row.object} />
              </Td>
              <Td dataLabel="Phase">{phaseOf(row.object)}</Td>
              <Td dataLabel="Alerts" data-testid="overview-alerts">
                {count}
              </Td>
              <Td dataLabel="Last backup" data-testid="overview-last-backup">
                <LastBackup row={row} />
              </Td>
            </Tr>
          );
        })}
      </Tbody>
    </Table>
  );
}
