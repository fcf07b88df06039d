import "server-only";
import { Counter, Gauge, type Registry } from "prom-client";
import type { MySQLCluster, MySQLClusterStatus } from "@/lib/crds/mysql-cluster";
import { ReplicationConditionType } from "@/lib/crds/mysql-replication";
import { ConditionType } from "@/lib/crds/common";
import { isConditionTrue } from "../runtime/conditions";
import type { BackupHealth } from "./backup-health";
import { PROGRESS_DEADLINE_EXCEEDED } from "./progress-deadline";

/** What the MySQLCluster controller reports to Prometheus (a no-op in unit tests). */
export interface ClusterMetrics {
  /** The cluster's health after a reconcile, from the status just computed. */
  report(namespace: string, name: string, status: MySQLClusterStatus): void;
  /**
   * The cluster's backups after a reconcile: when the last one succeeded (or, with none, when
   * the cluster was created: the time since which one has been missing), whether the newest
   * finished one failed, and the expected interval of its schedules.
   */
  backups(namespace: string, name: string, report: BackupReport): void;
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

/** What {@link ClusterMetrics.backups} reports. */
export interface BackupReport {
  /** Completion of the last successful backup, else the cluster's creation; undefined if neither. */
  lastSuccessOrCreation?: Date;
  /** Completion of the last successful backup, if any. */
  lastSuccess?: Date;
  lastBackupFailed: boolean;
  expectedIntervalSeconds?: number;
}

/** The {@link BackupReport} of a cluster from its {@link BackupHealth}. */
export function backupReport(cluster: MySQLCluster, health: BackupHealth): BackupReport {
  const success = health.lastSuccessfulBackup?.completedAt;
  const since = success ?? cluster.metadata.creationTimestamp;
  return {
    lastBackupFailed: health.lastBackupFailed,
    ...(success ? { lastSuccess: new Date(success) } : {}),
    ...(since ? { lastSuccessOrCreation: new Date(since) } : {}),
    // A stopped cluster takes no scheduled backups: no interval, so no overdue alert.
    ...(health.expectedIntervalSeconds === undefined || cluster.spec.stopped
      ? {}
      : { expectedIntervalSeconds: health.expectedIntervalSeconds }),
  };
}

export const noClusterMetrics: ClusterMetrics = {
  report: () => undefined,
  backups: () => undefined,
  forget: () => undefined,
  topologyChange: () => undefined,
};

/**
 * The {@link ClusterMetrics} as Prometheus series in `registry`: per cluster `ready`,
 * `primary_available`, `replication_healthy`, `degraded`, `progress_deadline_exceeded` (0/1),
 * and the backup series (see
 * {@link ClusterMetrics.backups}); per server `reachable`,
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
  const pastDeadline = gauge(
    "cluster_progress_deadline_exceeded",
    "1 when the cluster's spec was not rolled out within spec.progressDeadlineSeconds (Progressing=False, reason ProgressDeadlineExceeded).",
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
  const backupSince = new Map<
    string,
    { labels: { namespace: string; cluster: string }; ms: number }
  >();
  const lastSuccess = gauge(
    "cluster_last_successful_backup_timestamp_seconds",
    "Unix time at which the cluster's last successful MySQLBackup completed.",
    clusterLabels,
  );
  const sinceSuccess = new Gauge({
    name: "pilothouse_mysql_cluster_seconds_since_last_successful_backup",
    help: "Seconds since the cluster's last successful MySQLBackup completed, or since the cluster was created when none has.",
    labelNames: clusterLabels,
    registers: [registry],
    collect() {
      const nowMs = Date.now();
      for (const { labels, ms } of backupSince.values()) this.set(labels, (nowMs - ms) / 1000);
    },
  });
  const lastFailed = gauge(
    "cluster_last_backup_failed",
    "1 when the cluster's newest finished MySQLBackup failed.",
    clusterLabels,
  );
  const expectedInterval = gauge(
    "cluster_backup_expected_interval_seconds",
    "Seconds between two runs of the cluster's most frequent active backup schedule (absent without one).",
    clusterLabels,
  );
  const backupGauges = [lastSuccess, sinceSuccess, lastFailed, expectedInterval];

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
      const progressing = conditions?.find((c) => c.type === ConditionType.Progressing);
      pastDeadline.set(labels, progressing?.reason === PROGRESS_DEADLINE_EXCEEDED ? 1 : 0);
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
    backups(namespace, cluster, report) {
      const labels = { namespace, cluster };
      const key = `${namespace}/${cluster}`;
      if (report.lastSuccess) lastSuccess.set(labels, report.lastSuccess.getTime() / 1000);
      else lastSuccess.remove(labels);
      if (report.lastSuccessOrCreation) {
        backupSince.set(key, { labels, ms: report.lastSuccessOrCreation.getTime() });
      } else {
        backupSince.delete(key);
        sinceSuccess.remove(labels);
      }
      lastFailed.set(labels, report.lastBackupFailed ? 1 : 0);
      if (report.expectedIntervalSeconds === undefined) expectedInterval.remove(labels);
      else expectedInterval.set(labels, report.expectedIntervalSeconds);
    },
    forget(namespace, cluster) {
      const labels = { namespace, cluster };
      for (const metric of [ready, primary, healthy, degraded, pastDeadline, ...backupGauges]) {
        metric.remove(labels);
      }
      backupSince.delete(`${namespace}/${cluster}`);
      const key = `${namespace}/${cluster}`;
      for (const instance of instancesOf.get(key) ?? []) dropInstance(namespace, cluster, instance);
      instancesOf.delete(key);
    },
    topologyChange(namespace, cluster, kind, outcome) {
      changes.inc({ namespace, cluster, kind, outcome });
    },
  };
}
