"use client";

import {
  Alert,
  Breadcrumb,
  BreadcrumbItem,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Flex,
  FlexItem,
  PageSection,
  Spinner,
  Title,
} from "@patternfly/react-core";
import Link from "next/link";
import type { ReactNode } from "react";
import { clusterVersion, type MySQLCluster } from "@/lib/crds/mysql-cluster";
import { ErrorPanel } from "../errors/error-panel";
import { PageHeading } from "../layout/page-heading";
import { LiveIndicator } from "../live/live-indicator";
import { ReadyLabel } from "./cluster-table";
import { ConditionsTable } from "./conditions-table";
import { replicasText, specApplied } from "./format";
import { useMySQLCluster } from "./use-mysql-clusters";

/** A term/description list from pairs. */
function Fields({ label, items }: { label: string; items: [string, ReactNode][] }) {
  return (
    <DescriptionList aria-label={label} isHorizontal isCompact>
      {items.map(([term, value]) => (
        <DescriptionListGroup key={term}>
          <DescriptionListTerm>{term}</DescriptionListTerm>
          <DescriptionListDescription>{value}</DescriptionListDescription>
        </DescriptionListGroup>
      ))}
    </DescriptionList>
  );
}

function ClusterSections({ cluster }: { cluster: MySQLCluster }) {
  const { spec, status, metadata } = cluster;
  return (
    <>
      <PageSection>
        <Title headingLevel="h2">Spec</Title>
        <Fields
          label="Spec"
          items={[
            ["Engine", spec.engine],
            ["Version", spec.version ?? `${clusterVersion(spec)} (default)`],
            ["Replicas", spec.replicas],
            ["Storage size", spec.storage.size],
            ["Storage class", spec.storage.storageClassName ?? "cluster default"],
            ["Stopped", spec.stopped ? "yes" : "no"],
          ]}
        />
      </PageSection>
      <PageSection>
        <Title headingLevel="h2">Status</Title>
        <Fields
          label="Status"
          items={[
            [
              "Phase",
              <span key="p" data-testid="detail-phase">
                {status?.phase ?? "Pending"}
              </span>,
            ],
            ["Ready", <ReadyLabel key="r" cluster={cluster} />],
            ["Ready replicas", replicasText(cluster)],
            ["Primary", status?.primary ?? "—"],
            [
              "Generation",
              specApplied(cluster)
                ? `${metadata.generation ?? "—"} (applied)`
                : `${metadata.generation ?? "—"} — spec not yet applied (observed ${status?.observedGeneration ?? "none"})`,
            ],
          ]}
        />
      </PageSection>
      <PageSection>
        <Title headingLevel="h2">Conditions</Title>
        <ConditionsTable conditions={status?.conditions ?? []} generation={metadata.generation} />
      </PageSection>
    </>
  );
}

/** "Deleted at <time>", while the page keeps the last known state (and follows a re-creation). */
function DeletedAlert({ deletedAt }: { deletedAt: number }) {
  return (
    <PageSection>
      <Alert
        isInline
        variant="warning"
        title={`Deleted at ${new Date(deletedAt).toLocaleTimeString()}`}
        data-testid="cluster-deleted"
      >
        This MySQL cluster no longer exists; below is its last known state. If a cluster with the
        same name is created, this page shows it.
      </Alert>
    </PageSection>
  );
}

/**
 * One MySQL cluster: spec, status and conditions, live from the watch stream.
 *
 * @param initial - the object as the server render read it, when it could.
 */
export function ClusterDetailView({
  namespace,
  name,
  initial,
}: {
  namespace: string;
  name: string;
  initial?: MySQLCluster;
}) {
  const { query, live, deletion } = useMySQLCluster(namespace, name, initial);
  return (
    <>
      <PageSection>
        <Breadcrumb>
          <BreadcrumbItem>
            <Link href={`/mysqlclusters?namespace=${encodeURIComponent(namespace)}`}>
              MySQL clusters in {namespace}
            </Link>
          </BreadcrumbItem>
        </Breadcrumb>
        <Flex alignItems={{ default: "alignItemsCenter" }}>
          <FlexItem>
            <PageHeading>{name}</PageHeading>
          </FlexItem>
          <FlexItem>
            <LiveIndicator state={live} />
          </FlexItem>
        </Flex>
      </PageSection>
      {deletion ? <DeletedAlert deletedAt={deletion.deletedAt} /> : null}
      {query.isPending ? (
        <PageSection>
          {query.failureReason ? (
            <ErrorPanel error={query.failureReason} retrying />
          ) : (
            <Spinner aria-label="Loading the MySQL cluster" />
          )}
        </PageSection>
      ) : query.isError ? (
        <PageSection>
          <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />
        </PageSection>
      ) : (
        <ClusterSections cluster={query.data} />
      )}
    </>
  );
}
