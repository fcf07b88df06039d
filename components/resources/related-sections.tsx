"use client";

import { Label, Spinner, Title } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import Link from "next/link";
import type { ReactNode } from "react";
import { ErrorPanel } from "../errors/error-panel";
import { useNow } from "../use-now";
import { ReadyLabel } from "./columns";
import { LocalTime } from "./local-time";
import {
  clusterNameOf,
  detailHref,
  formatAge,
  kindOf,
  kindTitle,
  phaseOf,
  type Resource,
} from "./model";
import { useEvents, usePods } from "./use-resources";
import type { KindPlural } from "@/lib/api/kinds";

/** A section with an h2 and a loading/error state around its content. */
function Section({
  title,
  query,
  children,
}: {
  title: string;
  query: { isPending: boolean; isError: boolean; error: Error | null; refetch: () => unknown };
  children: () => ReactNode;
}) {
  return (
    <section aria-label={title} style={{ marginTop: "1.5rem" }}>
      <Title headingLevel="h2">{title}</Title>
      {query.isPending ? (
        <Spinner size="md" aria-label={`Loading ${title}`} />
      ) : query.isError && query.error ? (
        <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        children()
      )}
    </section>
  );
}

/**
 * The pods that run the object: name, role, phase, ready, restarts, node, age.
 *
 * @param resourceVersion - the live object's; a change reads the pods again at once.
 */
export function PodsSection({
  plural,
  namespace,
  name,
  resourceVersion,
}: {
  plural: string;
  namespace: string;
  name: string;
  resourceVersion?: string;
}) {
  const pods = usePods(plural, namespace, name, resourceVersion);
  const now = useNow();
  return (
    <Section title="Pods" query={pods}>
      {() =>
        pods.data && pods.data.items.length > 0 ? (
          <Table aria-label="Pods" variant="compact">
            <Thead>
              <Tr>
                <Th>Name</Th>
                <Th>Role</Th>
                <Th>Phase</Th>
                <Th>Ready</Th>
                <Th>Restarts</Th>
                <Th>Node</Th>
                <Th>Age</Th>
              </Tr>
            </Thead>
            <Tbody>
              {pods.data.items.map((p) => (
                <Tr key={p.name} data-testid={`pod-${p.name}`}>
                  <Td dataLabel="Name">{p.name}</Td>
                  <Td dataLabel="Role">{p.role ?? "—"}</Td>
                  <Td dataLabel="Phase">{p.phase}</Td>
                  <Td dataLabel="Ready">
                    <Label isCompact color={p.ready ? "green" : "orange"}>
                      {p.ready ? "Ready" : "Not ready"}
                    </Label>
                  </Td>
                  <Td dataLabel="Restarts">{p.restarts}</Td>
                  <Td dataLabel="Node">{p.node ?? "—"}</Td>
                  <Td dataLabel="Age">{now === null ? "" : formatAge(p.startTime, now)}</Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        ) : (
          <p data-testid="no-pods">No pods run it right now.</p>
        )
      }
    </Section>
  );
}

/**
 * Kubernetes Events about the object and, for a cluster, its pods and PVCs, newest first; each
 * row names the object it is about; Warnings labelled.
 *
 * @param resourceVersion - the live object's; a change reads the Events again at once.
 */
export function EventsSection({
  plural,
  namespace,
  name,
  resourceVersion,
}: {
  plural: string;
  namespace: string;
  name: string;
  resourceVersion?: string;
}) {
  const events = useEvents(plural, namespace, name, resourceVersion);
  return (
    <Section title="Events" query={events}>
      {() =>
        events.data && events.data.items.length > 0 ? (
          <Table aria-label="Events" variant="compact">
            <Thead>
              <Tr>
                <Th>Type</Th>
                <Th>Object</Th>
                <Th>Reason</Th>
                <Th>Message</Th>
                <Th>Count</Th>
                <Th>Last seen</Th>
              </Tr>
            </Thead>
            <Tbody>
              {events.data.items.map((e, i) => (
                <Tr
                  key={`${e.involvedName}-${e.reason}-${e.lastSeen ?? ""}-${i}`}
                  data-testid="event-row"
                >
                  <Td dataLabel="Type">
                    <Label isCompact color={e.type === "Warning" ? "orange" : "grey"}>
                      {e.type}
                    </Label>
                  </Td>
                  <Td dataLabel="Object" data-testid="event-object">
                    {e.involvedKind}/{e.involvedName}
                  </Td>
                  <Td dataLabel="Reason">{e.reason}</Td>
                  <Td dataLabel="Message">{e.message}</Td>
                  <Td dataLabel="Count">{e.count}</Td>
                  <Td dataLabel="Last seen">
                    <LocalTime value={e.lastSeen} />
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        ) : (
          <p>No Events about it (Kubernetes keeps Events for one hour).</p>
        )
      }
    </Section>
  );
}

/**
 * The objects of `childPlural` that belong to cluster `cluster` (backup history, restores, topics,
 * users), from a list the caller holds (live), newest first for runs.
 */
export function ChildrenSection({
  childPlural,
  cluster,
  list,
  testId,
}: {
  childPlural: KindPlural;
  cluster: string;
  list: {
    isPending: boolean;
    isError: boolean;
    error: Error | null;
    refetch: () => unknown;
    data?: { items: Resource[] };
  };
  testId: string;
}) {
  const title = kindTitle(kindOf(childPlural));
  const items = (list.data?.items ?? [])
    .filter((o) => clusterNameOf(o) === cluster)
    .sort((a, b) =>
      (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? ""),
    );
  const isRun = childPlural === "mysqlbackups" || childPlural === "mysqlrestores";
  const heading = childPlural === "mysqlbackups" ? "Backup history" : title.plural;
  return (
    <Section title={heading} query={list}>
      {() =>
        items.length > 0 ? (
          <Table aria-label={heading} variant="compact" data-testid={testId}>
            <Thead>
              <Tr>
                <Th>Name</Th>
                <Th>Phase</Th>
                <Th>{isRun ? "Completed" : "Ready"}</Th>
                <Th>{isRun ? "Error" : "Created"}</Th>
              </Tr>
            </Thead>
            <Tbody>
              {items.map((o) => {
                const completed = o.status?.completedAt;
                const error = o.status?.error as { message?: unknown } | undefined;
                return (
                  <Tr key={o.metadata.name} data-testid={`child-${o.metadata.name}`}>
                    <Td dataLabel="Name">
                      <Link
                        href={detailHref(childPlural, o.metadata.namespace ?? "", o.metadata.name)}
                      >
                        {o.metadata.name}
                      </Link>
                    </Td>
                    <Td dataLabel="Phase">{phaseOf(o)}</Td>
                    <Td dataLabel={isRun ? "Completed" : "Ready"}>
                      {isRun ? (
                        <LocalTime value={typeof completed === "string" ? completed : undefined} />
                      ) : (
                        <ReadyLabel object={o} />
                      )}
                    </Td>
                    <Td dataLabel={isRun ? "Error" : "Created"}>
                      {isRun
                        ? typeof error?.message === "string"
                          ? error.message
                          : "—"
                        : o.metadata.creationTimestamp
                          ? new Date(o.metadata.creationTimestamp).toLocaleString()
                          : "—"}
                    </Td>
                  </Tr>
                );
              })}
            </Tbody>
          </Table>
        ) : (
          <p>No {title.plural} of this cluster.</p>
        )
      }
    </Section>
  );
}
