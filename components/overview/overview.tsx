"use client";

import {
  Label,
  PageSection,
  Spinner,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import Link from "next/link";
import { SourceErrors } from "../alerts/alerts-view";
import { countByCluster } from "../alerts/derive";
import { useNamespaceAlerts } from "../alerts/use-alerts";
import { PageHeading } from "../layout/page-heading";
import { LiveIndicator } from "../live/live-indicator";
import {
  detailHref,
  healthOf,
  lastBackupOf,
  phaseOf,
  type Health,
  type Resource,
} from "../resources/model";
import { NamespacePicker } from "../resources/namespace-picker";

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

interface Row {
  plural: "mysqlclusters" | "kafkaclusters";
  service: string;
  object: Resource;
}

/** "<name> at <time>", "none recorded", or "—" for kinds without backups. */
function LastBackup({ row }: { row: Row }) {
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

/**
 * Every MySQL and Kafka cluster of a namespace with its health (Ready and Degraded conditions),
 * its alerts count and its last successful backup, live.
 */
export function OverviewView({ namespace }: { namespace: string }) {
  const { alerts, clusters, live, errors } = useNamespaceAlerts(namespace);
  const counts = countByCluster(alerts);
  const rows: Row[] = [
    ...(clusters.mysql.data?.items ?? []).map((object) => ({
      plural: "mysqlclusters" as const,
      service: "MySQL",
      object,
    })),
    ...(clusters.kafka.data?.items ?? []).map((object) => ({
      plural: "kafkaclusters" as const,
      service: "Kafka",
      object,
    })),
  ];
  const pending = clusters.mysql.isPending || clusters.kafka.isPending;
  return (
    <>
      <PageSection>
        <PageHeading>Overview</PageHeading>
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <NamespacePicker namespace={namespace} path="/" />
            </ToolbarItem>
            <ToolbarItem>
              <LiveIndicator state={live} />
            </ToolbarItem>
            <ToolbarItem>
              <Link
                href={`/alerts?namespace=${encodeURIComponent(namespace)}`}
                data-testid="alerts-total"
              >
                {alerts.length} {alerts.length === 1 ? "alert" : "alerts"}
              </Link>
            </ToolbarItem>
          </ToolbarContent>
        </Toolbar>
      </PageSection>
      <PageSection>
        <SourceErrors errors={errors} />
        {pending && rows.length === 0 ? (
          <Spinner aria-label="Loading clusters" />
        ) : rows.length === 0 ? (
          <p data-testid="no-clusters">No MySQL or Kafka clusters in {namespace}.</p>
        ) : (
          <Table aria-label="Clusters" variant="compact">
            <Thead>
              <Tr>
                <Th>Name</Th>
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
                const health = healthOf(row.object);
                const count = counts.get(`${namespace}/${name}`) ?? 0;
                return (
                  <Tr
                    key={`${row.plural}/${name}`}
                    data-testid={`overview-row-${row.plural}-${name}`}
                  >
                    <Td dataLabel="Name">
                      <Link href={detailHref(row.plural, namespace, name)}>{name}</Link>
                    </Td>
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
        )}
      </PageSection>
    </>
  );
}
