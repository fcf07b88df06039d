import "server-only";
import { Counter, Gauge, type Registry } from "prom-client";
import type { MySQLClusterStatus } from "@/lib/crds/mysql-cluster";
import { ReplicationConditionType } from "@/lib/crds/mysql-replication";
import { ConditionType } from "@/lib/crds/common";
import { isConditionTrue } from "../runtime/conditions";

/** What the MySQLCluster controller reports to Prometheus (a no-op in unit tests). */
export interface ClusterMetrics {
  /** The cluster's health after a reconcile, from the status just computed. */
  report(namespace: string, name: string, status: MySQLClusterStatus): void;
  /** The cluster is gone: drop its series. */
  forget(namespace: string, name: string): void;
  /** A failover or switchover happened, or was refused. */
  topologyChange(
    namespace: string,
    name: string,
    kind: "failover" | "switchover",
    outcome: "succeeded" | "refused",
  ): void;
}

export const noClusterMetrics: ClusterMetrics = {
  report: () => undefined,
  forget: () => undefined,
  topologyChange: () => undefined,
};

/**
 * The {@link ClusterMetrics} as Prometheus series in `registry`: per cluster `ready`,
 * `primary_available`, `replication_healthy`, `degraded` (0/1); per server `reachable`,
 * `replicating` (replicas only) and `replication_lag_seconds`; failover and switchover counters.
 * Series of removed clusters and servers are deleted, so alerts do not fire on ghosts.
 */
export function prometheusClusterMetrics(registry: Registry): ClusterMetrics {
  const clusterLabels = ["namespace", "cluster"] as const;
  const instanceLabels = ["namespace", "cluster", "instance"] as const;
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge({ name: `pilothouse_mysql_${name}`, help, labelNames, registers: [registry] });
  const ready = gauge(
    "cluster_ready",
    "1 when the cluster's Ready condition is True.",
    clusterLabels,
  );
  const primary = gauge(
    "cluster_primary_available",
    "1 when the recorded primary is reachable and accepts writes.",
    clusterLabels,
  );
  const healthy = gauge(
    "cluster_replication_healthy",
    "1 when every server replicates from the primary without errors.",
    clusterLabels,
  );
  const degraded = gauge(
    "cluster_degraded",
    "1 when the Degraded condition is True.",
    clusterLabels,
  );
  const reachable = gauge(
    "instance_reachable",
    "1 when the operator can connect to the server.",
    instanceLabels,
  );
  const replicating = gauge(
    "instance_replicating",
    "Replicas only: 1 when the server replicates from the primary without errors.",
    instanceLabels,
  );
  const lag = gauge(
    "instance_replication_lag_seconds",
    "Seconds a replica is behind the primary (absent while it is not replicating).",
    instanceLabels,
  );
  const changes = new Counter({
    name: "pilothouse_mysql_topology_changes_total",
    help: "Failovers and switchovers, by kind and outcome (succeeded or refused).",
    labelNames: ["namespace", "cluster", "kind", "outcome"] as const,
    registers: [registry],
  });
  const instancesOf = new Map<string, Set<string>>();

  const dropInstance = (namespace: string, cluster: string, instance: string) => {
    for (const metric of [reachable, replicating, lag])
      metric.remove({ namespace, cluster, instance });
  };

  return {
    report(namespace, cluster, status) {
      const labels = { namespace, cluster };
      const conditions = status.conditions;
      const entries = status.instances ?? [];
      const primaryEntry = entries.find((i) => i.name === status.primary);
      ready.set(labels, isConditionTrue(conditions, ConditionType.Ready) ? 1 : 0);
      primary.set(
        labels,
        primaryEntry?.role === "primary" && primaryEntry.readOnly === false ? 1 : 0,
      );
      healthy.set(
        labels,
        isConditionTrue(conditions, ReplicationConditionType.ReplicationHealthy) ? 1 : 0,
      );
      degraded.set(labels, isConditionTrue(conditions, ConditionType.Degraded) ? 1 : 0);
      const key = `${namespace}/${cluster}`;
      const seen = new Set(entries.map((i) => i.name));
      for (const old of instancesOf.get(key) ?? [])
        if (!seen.has(old)) dropInstance(namespace, cluster, old);
      instancesOf.set(key, seen);
      for (const entry of entries) {
        const instance = { ...labels, instance: entry.name };
        reachable.set(instance, entry.reachable ? 1 : 0);
        if (entry.name === status.primary) replicating.remove(instance);
        else replicating.set(instance, entry.role === "replica" ? 1 : 0);
        if (entry.replicationLagSeconds === undefined) lag.remove(instance);
        else lag.set(instance, entry.replicationLagSeconds);
      }
    },
    forget(namespace, cluster) {
      const labels = { namespace, cluster };
      for (const metric of [ready, primary, healthy, degraded]) metric.remove(labels);
      const key = `${namespace}/${cluster}`;
      for (const instance of instancesOf.get(key) ?? []) dropInstance(namespace, cluster, instance);
      instancesOf.delete(key);
    },
    topologyChange(namespace, cluster, kind, outcome) {
      changes.inc({ namespace, cluster, kind, outcome });
    },
  };
}
