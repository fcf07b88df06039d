"use client";

import {
  Alert,
  PageSection,
  Spinner,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from "@patternfly/react-core";
import { ErrorPanel } from "../errors/error-panel";
import { PageHeading } from "../layout/page-heading";
import { LiveIndicator } from "../live/live-indicator";
import { ClusterTable } from "./cluster-table";
import { CreateClusterButton } from "./create-button";
import { NamespacePicker } from "./namespace-picker";
import { useMySQLClusters } from "./use-mysql-clusters";

/**
 * The MySQL clusters of a namespace, live from the watch stream.
 *
 * @param refusedNamespace - a `namespace` from the URL that is not a namespace name (the
 *   default one is shown instead, and the page says so).
 */
export function ClusterListView({
  namespace,
  refusedNamespace,
}: {
  namespace: string;
  refusedNamespace?: string;
}) {
  const { query, live } = useMySQLClusters(namespace);
  return (
    <>
      <PageSection>
        <PageHeading>MySQL clusters</PageHeading>
        {refusedNamespace !== undefined ? (
          <Alert
            isInline
            variant="warning"
            title="Not a namespace name"
            data-testid="namespace-refused"
          >
            &quot;{refusedNamespace}&quot; is not a valid namespace name (lower-case letters, digits
            and &apos;-&apos;); showing {namespace} instead.
          </Alert>
        ) : null}
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <NamespacePicker namespace={namespace} />
            </ToolbarItem>
            <ToolbarItem>
              <LiveIndicator state={live} />
            </ToolbarItem>
            <ToolbarGroup align={{ default: "alignEnd" }}>
              <ToolbarItem>
                <CreateClusterButton namespace={namespace} />
              </ToolbarItem>
            </ToolbarGroup>
          </ToolbarContent>
        </Toolbar>
      </PageSection>
      <PageSection>
        {query.isPending ? (
          query.failureReason ? (
            <ErrorPanel error={query.failureReason} retrying />
          ) : (
            <Spinner aria-label="Loading MySQL clusters" />
          )
        ) : query.isError ? (
          <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />
        ) : (
          <ClusterTable items={query.data.items} />
        )}
      </PageSection>
    </>
  );
}
