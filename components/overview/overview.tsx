"use client";

import { PageSection, Spinner, Toolbar, ToolbarContent, ToolbarItem } from "@patternfly/react-core";
import Link from "next/link";
import { SourceErrors } from "../alerts/alerts-view";
import { countByCluster } from "../alerts/derive";
import { useNamespaceAlerts } from "../alerts/use-alerts";
import { PageHeading } from "../layout/page-heading";
import { LiveIndicator } from "../live/live-indicator";
import { NamespacePicker } from "../resources/namespace-picker";
import { AllNamespacesOverview } from "./all-namespaces-overview";
import { ClusterTable, clusterRows } from "./cluster-table";

/**
 * The overview: every MySQL and Kafka cluster with its health (Ready and Degraded conditions),
 * its alerts count and its last successful backup, kept current.
 *
 * @param namespace - one namespace, or `""` for every namespace the user may see.
 */
export function OverviewView({ namespace }: { namespace: string }) {
  return namespace === "" ? <AllNamespacesOverview /> : <NamespaceOverview namespace={namespace} />;
}

/** The clusters of one namespace, live from its watch streams. */
function NamespaceOverview({ namespace }: { namespace: string }) {
  const { alerts, clusters, live, errors } = useNamespaceAlerts(namespace);
  const counts = countByCluster(alerts);
  const rows = clusterRows(clusters.mysql.data?.items ?? [], clusters.kafka.data?.items ?? []);
  const pending = clusters.mysql.isPending || clusters.kafka.isPending;
  return (
    <>
      <PageSection>
        <PageHeading>Overview</PageHeading>
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <NamespacePicker namespace={namespace} path="/" allowAll />
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
          <ClusterTable rows={rows} counts={counts} showNamespace={false} />
        )}
      </PageSection>
    </>
  );
}
