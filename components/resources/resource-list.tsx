"use client";

import {
  Alert,
  EmptyState,
  EmptyStateBody,
  PageSection,
  SearchInput,
  Spinner,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from "@patternfly/react-core";
import { useDeferredValue, useMemo, useState, type ReactNode } from "react";
import type { KindInfo, KindPlural } from "@/lib/api/kinds";
import { ErrorPanel } from "../errors/error-panel";
import { PageHeading } from "../layout/page-heading";
import { LiveIndicator } from "../live/live-indicator";
import { ViewStatus } from "../overview/view-status";
import { columnsFor, searchTextOf } from "./columns";
import { CreateResourceButton } from "./create-button";
import { applyListQuery, type ListQuery } from "./list-query";
import { kindOf, kindTitle, type Resource } from "./model";
import { NamespacePicker } from "./namespace-picker";
import { useAllNamespacesList, useResourceList, useVisibleNamespaces } from "./use-resources";
import { VirtualResourceTable } from "./virtual-table";

/** A list's rows: filtered by the search, sorted by the chosen column, virtualized. */
function ResourceRows({ kind, items }: { kind: KindInfo; items: Resource[] }) {
  const title = kindTitle(kind);
  const columns = useMemo(() => columnsFor(kind.plural), [kind.plural]);
  const [query, setQuery] = useState<ListQuery>({ search: "", sortBy: "name", direction: "asc" });
  // Typing stays responsive with thousands of objects: filtering follows at low priority.
  const deferred = useDeferredValue(query);
  const shown = useMemo(
    () => applyListQuery(items, deferred, columns, searchTextOf),
    [items, deferred, columns],
  );
  const rowPrefix = kind.isCluster ? "cluster-row" : "resource-row";
  return (
    <>
      <Toolbar>
        <ToolbarContent>
          <ToolbarItem>
            <SearchInput
              aria-label={`Search ${title.plural}`}
              placeholder="Search by name, phase, cluster"
              value={query.search}
              onChange={(_event, search) => setQuery((q) => ({ ...q, search }))}
              onClear={() => setQuery((q) => ({ ...q, search: "" }))}
            />
          </ToolbarItem>
          <ToolbarItem>
            <span data-testid="result-count" aria-live="polite">
              {shown.length === items.length
                ? `${items.length} ${items.length === 1 ? "object" : "objects"}`
                : `${shown.length} of ${items.length}`}
            </span>
          </ToolbarItem>
        </ToolbarContent>
      </Toolbar>
      {items.length === 0 ? (
        <EmptyState titleText={`No ${title.plural}`} headingLevel="h2">
          <EmptyStateBody>None here yet.</EmptyStateBody>
        </EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState titleText="No match" headingLevel="h2">
          <EmptyStateBody>Nothing matches &quot;{query.search}&quot;.</EmptyStateBody>
        </EmptyState>
      ) : (
        <VirtualResourceTable
          label={title.plural}
          items={shown}
          columns={columns}
          query={deferred}
          onSort={(sortBy, direction) => setQuery((q) => ({ ...q, sortBy, direction }))}
          rowTestId={(item) => `${rowPrefix}-${item.metadata.name}`}
        />
      )}
    </>
  );
}

/** The page around a list: heading, namespace picker, how current it is, create button. */
function ListFrame({
  kind,
  namespace,
  status,
  notice,
  children,
}: {
  kind: KindInfo;
  namespace: string;
  status: ReactNode;
  notice?: ReactNode;
  children: ReactNode;
}) {
  const title = kindTitle(kind);
  return (
    <>
      <PageSection>
        <PageHeading>{title.plural}</PageHeading>
        {notice}
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <NamespacePicker namespace={namespace} path={`/${kind.plural}`} allowAll />
            </ToolbarItem>
            <ToolbarItem>{status}</ToolbarItem>
            {namespace === "" ? null : (
              <ToolbarGroup align={{ default: "alignEnd" }}>
                <ToolbarItem>
                  <CreateResourceButton kind={kind} namespace={namespace} />
                </ToolbarItem>
              </ToolbarGroup>
            )}
          </ToolbarContent>
        </Toolbar>
      </PageSection>
      <PageSection>{children}</PageSection>
    </>
  );
}

/**
 * The objects of one kind in a namespace, live from the watch stream, with search and sort; or,
 * for `namespace` `""`, in every namespace the user may see (live per namespace for at most
 * two, else read again every 10 s and labelled "Refreshed <time>").
 * Takes the plural, not the {@link KindInfo} (a server page cannot pass zod schemas).
 *
 * @param refusedNamespace - a `namespace` from the URL that is not a namespace name (the default
 *   one is shown instead, and the page says so).
 */
export function ResourceListView({
  plural,
  namespace,
  refusedNamespace,
}: {
  plural: KindPlural;
  namespace: string;
  refusedNamespace?: string;
}) {
  const kind = kindOf(plural);
  if (namespace === "") return <AllNamespacesListView kind={kind} />;
  return (
    <NamespaceListView kind={kind} namespace={namespace} refusedNamespace={refusedNamespace} />
  );
}

function NamespaceListView({
  kind,
  namespace,
  refusedNamespace,
}: {
  kind: KindInfo;
  namespace: string;
  refusedNamespace?: string;
}) {
  const { query, live } = useResourceList(kind.plural, namespace);
  const title = kindTitle(kind);
  const notice =
    refusedNamespace !== undefined ? (
      <Alert
        isInline
        variant="warning"
        title="Not a namespace name"
        data-testid="namespace-refused"
      >
        &quot;{refusedNamespace}&quot; is not a valid namespace name (lower-case letters, digits and
        &apos;-&apos;); showing {namespace} instead.
      </Alert>
    ) : null;
  return (
    <ListFrame
      kind={kind}
      namespace={namespace}
      notice={notice}
      status={<LiveIndicator state={live} />}
    >
      {query.isPending ? (
        query.failureReason ? (
          <ErrorPanel error={query.failureReason} retrying />
        ) : (
          <Spinner aria-label={`Loading ${title.plural}`} />
        )
      ) : query.isError ? (
        <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <ResourceRows kind={kind} items={query.data.items} />
      )}
    </ListFrame>
  );
}

function AllNamespacesListView({ kind }: { kind: KindInfo }) {
  const visible = useVisibleNamespaces();
  const view = useAllNamespacesList(kind.plural, visible.data?.items);
  const title = kindTitle(kind);
  const error = visible.error ?? view.error;
  return (
    <ListFrame kind={kind} namespace="" status={<ViewStatus view={view} />}>
      {view.items ? (
        <ResourceRows kind={kind} items={view.items} />
      ) : error ? (
        <ErrorPanel error={error} retrying />
      ) : (
        <Spinner aria-label={`Loading ${title.plural}`} />
      )}
    </ListFrame>
  );
}
