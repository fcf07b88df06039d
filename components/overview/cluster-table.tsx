"use client";

import { Label } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import Link from "next/link";
import {
  detailHref,
  healthOf,
  lastBackupOf,
  phaseOf,
  type Health,
  type Resource,
} from "../resources/model";

/** The overview's table: one row per cluster, with its namespace when several are shown. */

const HEALTH_COLOR: Record<Health, "green" | "red" | "orange" | "grey"> = {
  Healthy: "green",
  Degraded: "red",
  NotReady: "orange",
  Stopped: "grey",
  Unknown: "grey",
};

const HEALTH_TEXT: Record<Health, string> = {
  Healthy: "Healthy",
  Degraded: "Degraded",
  NotReady: "Not ready",
  Stopped: "Stopped",
  Unknown: "Unknown",
};

export interface ClusterRow {
  plural: "mysqlclusters" | "kafkaclusters";
  service: string;
  object: Resource;
}

/** "<name> at <time>", "none recorded", or "—" for kinds without backups. */
function LastBackup({ row }: { row: ClusterRow }) {
  if (row.plural !== "mysqlclusters") return <>—</>;
  const last = lastBackupOf(row.object);
  if (!last) return <>none recorded</>;
  return (
    <>
      <Link href={detailHref("mysqlbackups", row.object.metadata.namespace ?? "", last.name)}>
        {last.name}
      </Link>{" "}
      <time dateTime={last.completedAt}>{new Date(last.completedAt).toLocaleString()}</time>
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
          const health = healthOf(row.object);
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
                <Label isCompact color={HEALTH_COLOR[health]}>
                  {HEALTH_TEXT[health]}
                </Label>
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
