"use client";

import { PageSection, Spinner, Toolbar, ToolbarContent, ToolbarItem } from "@patternfly/react-core";
import Link from "next/link";
import { useMemo } from "react";
import { SourceErrors } from "../alerts/alerts-view";
import { countByCluster } from "../alerts/derive";
import { useAllNamespacesAlerts } from "../alerts/use-alerts";
import { PageHeading } from "../layout/page-heading";
import { ALL_NAMESPACES_PARAM } from "../resources/list-query";
import { NamespacePicker } from "../resources/namespace-picker";
import { ClusterTable, clusterRows } from "./cluster-table";
import { ViewStatus } from "./view-status";

/**
 * Every cluster of both kinds in every namespace the user may see (`GET /api/v1/namespaces`,
 * which needs no right to list namespaces), with a Namespace column: live per namespace for at
 * most two namespaces, else read again every 10 s and labelled "Refreshed <time>".
 */
export function AllNamespacesOverview() {
  // The same alerts as the alerts page over all namespaces, so the two totals agree.
  const view = useAllNamespacesAlerts();
  const { namespaces, clusters, alerts } = view;
  const { mysql, kafka } = clusters;
  const rows = useMemo(
    () => clusterRows(mysql.items ?? [], kafka.items ?? []),
    [mysql.items, kafka.items],
  );
  const counts = countByCluster(alerts);
  const status = {
    mode: mysql.mode,
    live: mysql.live.status === "live" ? kafka.live : mysql.live,
    refreshedAt: Math.min(mysql.refreshedAt, kafka.refreshedAt),
  };
  const pending = view.loading;
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
              <Link
                href={`/alerts?namespace=${encodeURIComponent(ALL_NAMESPACES_PARAM)}`}
                data-testid="alerts-total"
              >
                {/* Partial counts while sources load would read as final. */}
                {view.loading
                  ? "Counting alerts…"
                  : `${alerts.length} ${alerts.length === 1 ? "alert" : "alerts"}`}
              </Link>
            </ToolbarItem>
          </ToolbarContent>
        </Toolbar>
      </PageSection>
      <PageSection>
        <SourceErrors errors={view.errors} />
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
