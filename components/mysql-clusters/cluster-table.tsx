"use client";

import { EmptyState, EmptyStateBody, Label } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import Link from "next/link";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";
import { useNow } from "../use-now";
import { conditionColor, findCondition, formatAge, replicasText } from "./format";

/** The Ready condition as a label: `True`, `False (reason)`, or `—` before the operator wrote it. */
export function ReadyLabel({ cluster }: { cluster: MySQLCluster }) {
  const ready = findCondition(cluster, "Ready");
  if (!ready) return <span>—</span>;
  const text = ready.status === "True" ? "True" : `${ready.status} (${ready.reason})`;
  return (
    <Label color={conditionColor("Ready", ready.status)} isCompact title={ready.message}>
      {text}
    </Label>
  );
}

/** Name, namespace, phase, ready replicas, Ready condition and age of each cluster. */
export function ClusterTable({ items }: { items: MySQLCluster[] }) {
  const now = useNow();
  if (items.length === 0) {
    return (
      <EmptyState titleText="No MySQL clusters" headingLevel="h2">
        <EmptyStateBody>None in this namespace yet.</EmptyStateBody>
      </EmptyState>
    );
  }
  return (
    <Table aria-label="MySQL clusters" variant="compact">
      <Thead>
        <Tr>
          <Th>Name</Th>
          <Th>Namespace</Th>
          <Th>Phase</Th>
          <Th>Ready replicas</Th>
          <Th>Ready</Th>
          <Th>Age</Th>
        </Tr>
      </Thead>
      <Tbody>
        {items.map((cluster) => {
          const { name, namespace = "" } = cluster.metadata;
          return (
            <Tr key={`${namespace}/${name}`} data-testid={`cluster-row-${name}`}>
              <Td dataLabel="Name">
                <Link href={`/mysqlclusters/${namespace}/${name}`}>{name}</Link>
              </Td>
              <Td dataLabel="Namespace">{namespace}</Td>
              <Td dataLabel="Phase" data-testid="cluster-phase">
                {cluster.status?.phase ?? "Pending"}
              </Td>
              <Td dataLabel="Ready replicas" data-testid="cluster-replicas">
                {replicasText(cluster)}
              </Td>
              <Td dataLabel="Ready" data-testid="cluster-ready">
                <ReadyLabel cluster={cluster} />
              </Td>
              <Td dataLabel="Age">
                {now === null ? "" : formatAge(cluster.metadata.creationTimestamp, now)}
              </Td>
            </Tr>
          );
        })}
      </Tbody>
    </Table>
  );
}
