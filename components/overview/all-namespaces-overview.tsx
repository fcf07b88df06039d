"use client";

import { PageSection, Spinner, Toolbar, ToolbarContent, ToolbarItem } from "@patternfly/react-core";
import { useQueries } from "@tanstack/react-query";
import { useMemo } from "react";
import { AlertsResponseSchema } from "@/lib/api/related";
import { SourceErrors } from "../alerts/alerts-view";
import {
  alertsFromAlertmanager,
  alertsFromEvents,
  alertsFromObject,
  countByCluster,
  type DashboardAlert,
} from "../alerts/derive";
import { fetchJson } from "../api/fetch-json";
import { PageHeading } from "../layout/page-heading";
import { alertKeys } from "../resources/keys";
import type { Resource } from "../resources/model";
import { NamespacePicker } from "../resources/namespace-picker";
import { useAllNamespacesList, useVisibleNamespaces } from "../resources/use-resources";
import { ClusterTable, clusterRows } from "./cluster-table";
import { ViewStatus } from "./view-status";

/** How often each namespace's Warning Events and Alertmanager alerts are read, in ms. */
const ALERTS_REFRESH_MS = 15_000;

/**
 * The alerts about clusters in `namespaces`: from the clusters' conditions and each
 * namespace's Warning Events and Alertmanager alerts (`GET /api/v1/alerts?namespace=`).
 */
function useClusterAlerts(
  namespaces: readonly string[],
  clusters: readonly { plural: string; object: Resource }[],
) {
  const servers = useQueries({
    queries: namespaces.map((namespace) => ({
      queryKey: alertKeys.namespace(namespace),
      queryFn: () =>
        fetchJson(
          `/api/v1/alerts?namespace=${encodeURIComponent(namespace)}`,
          AlertsResponseSchema,
        ),
      refetchInterval: ALERTS_REFRESH_MS,
    })),
  });
  // Derived on each render: a few clusters' conditions, cheap next to the render itself.
  const out: DashboardAlert[] = clusters.flatMap(({ plural, object }) =>
    alertsFromObject(plural, object),
  );
  namespaces.forEach((namespace, i) => {
    const data = servers[i]?.data;
    const objects = new Map<string, { plural: string; object: Resource }>();
    for (const c of clusters) {
      if (c.object.metadata.namespace === namespace)
        objects.set(`${c.object.kind}/${c.object.metadata.name}`, c);
    }
    out.push(...alertsFromEvents(namespace, data?.warnings ?? [], objects));
    out.push(...alertsFromAlertmanager(data?.alerts ?? []));
  });
  return { alerts: out, errors: servers.map((s) => s.error).filter((e): e is Error => e !== null) };
}

/**
 * Every cluster of both kinds in every namespace the user may see (`GET /api/v1/namespaces`,
 * which needs no right to list namespaces), with a Namespace column: live per namespace for at
 * most two namespaces, else read again every 10 s and labelled "Refreshed <time>".
 */
export function AllNamespacesOverview() {
  const visible = useVisibleNamespaces();
  const namespaces = visible.data?.items;
  const mysql = useAllNamespacesList("mysqlclusters", namespaces);
  const kafka = useAllNamespacesList("kafkaclusters", namespaces);
  const rows = useMemo(
    () => clusterRows(mysql.items ?? [], kafka.items ?? []),
    [mysql.items, kafka.items],
  );
  const { alerts, errors } = useClusterAlerts(namespaces ?? [], rows);
  const counts = countByCluster(alerts);
  const status = {
    mode: mysql.mode,
    live: mysql.live.status === "live" ? kafka.live : mysql.live,
    refreshedAt: Math.min(mysql.refreshedAt, kafka.refreshedAt),
  };
  const loadErrors = [visible.error, mysql.error, kafka.error, ...errors].filter(
    (e): e is Error => e !== null,
  );
  const pending = visible.isPending || mysql.isPending || kafka.isPending;
  return (
    <>
      <PageSection>
        <PageHeading>Overview</PageHeading>
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <NamespacePicker namespace="" path="/" allowAll />
            </ToolbarItem>
            <ToolbarItem>
              <ViewStatus view={status} />
            </ToolbarItem>
            <ToolbarItem>
              <span data-testid="alerts-total">
                {alerts.length} {alerts.length === 1 ? "alert" : "alerts"}
              </span>
            </ToolbarItem>
          </ToolbarContent>
        </Toolbar>
      </PageSection>
      <PageSection>
        <SourceErrors errors={loadErrors} />
        {pending && rows.length === 0 ? (
          <Spinner aria-label="Loading clusters" />
        ) : rows.length === 0 ? (
          <p data-testid="no-clusters">
            No MySQL or Kafka clusters in {namespaces?.join(", ") || "any namespace you may see"}.
          </p>
        ) : (
          <ClusterTable rows={rows} counts={counts} showNamespace />
        )}
      </PageSection>
    </>
  );
}
