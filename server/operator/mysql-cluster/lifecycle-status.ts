import "server-only";
import { ConditionType } from "@/lib/crds/common";
import type { MySQLCluster, MySQLClusterStatus } from "@/lib/crds/mysql-cluster";
import { RESTORE_IN_PROGRESS_ANNOTATION } from "@/lib/crds/mysql-restore";
import { findCondition, setConditions, type ConditionInput } from "../runtime/conditions";
import type { BackupHealth } from "./backup-health";
import type { ClusterEvent } from "./status-events";

/** Reasons of the `Stopped` condition. */
export const STOPPED_REASON = {
  Stopped: "Stopped",
  Stopping: "Stopping",
  NotStopped: "NotStopped",
  WaitingForBackup: "WaitingForBackup",
  WaitingForRestore: "WaitingForRestore",
} as const;

/** Why a requested stop must wait, or undefined when it need not (or none is requested). */
export interface StopHold {
  reason: typeof STOPPED_REASON.WaitingForBackup | typeof STOPPED_REASON.WaitingForRestore;
  message: string;
}

/**
 * A stop (`spec.stopped: true`) waits while a MySQLBackup of the cluster is Running (its Job
 * reads from a server) or a MySQLRestore writes into it (the annotation
 * {@link RESTORE_IN_PROGRESS_ANNOTATION}, naming the restore): stopping then would fail the
 * backup or leave half-restored data. The cluster keeps running and stops once they finish.
 */
export function stopHold(
  cluster: MySQLCluster,
  runningBackups: readonly string[],
): StopHold | undefined {
  // A cluster that has already stopped stays stopped: nothing can be running in it.
  if (!cluster.spec.stopped || cluster.status?.phase === "Stopped") return undefined;
  const restore = cluster.metadata.annotations?.[RESTORE_IN_PROGRESS_ANNOTATION];
  if (restore !== undefined) {
    const which = restore ? `MySQLRestore ${restore}` : "a MySQLRestore";
    return {
      reason: STOPPED_REASON.WaitingForRestore,
      message: `spec.stopped is true, but ${which} is restoring into the cluster (${RESTORE_IN_PROGRESS_ANNOTATION}): the cluster keeps running and stops once the restore succeeds (after a failed restore, once the annotation is removed).`,
    };
  }
  if (runningBackups.length > 0) {
    const names = runningBackups.join(", ");
    return {
      reason: STOPPED_REASON.WaitingForBackup,
      message: `spec.stopped is true, but MySQLBackup ${names} is running: the cluster keeps running and stops once the backup finishes.`,
    };
  }
  return undefined;
}

/** The cluster as the owned objects and the status are computed for: running while held. */
export function effectiveCluster(cluster: MySQLCluster, hold: StopHold | undefined): MySQLCluster {
  return hold ? { ...cluster, spec: { ...cluster.spec, stopped: false } } : cluster;
}

function stoppedCondition(
  cluster: MySQLCluster,
  status: MySQLClusterStatus,
  hold: StopHold | undefined,
): Omit<ConditionInput, "observedGeneration"> | undefined {
  const type = ConditionType.Stopped;
  if (hold) return { type, status: "False", reason: hold.reason, message: hold.message };
  if (cluster.spec.stopped) {
    const stopped = status.phase === "Stopped";
    return {
      type,
      status: stopped ? "True" : "False",
      reason: stopped ? STOPPED_REASON.Stopped : STOPPED_REASON.Stopping,
      message: stopped
        ? "No server runs; volumes and credentials are kept."
        : "Scaling the servers to zero.",
    };
  }
  // Only a cluster that has been stopped before says it no longer is.
  if (!findCondition(cluster.status?.conditions, type)) return undefined;
  return { type, status: "False", reason: STOPPED_REASON.NotStopped, message: "The cluster runs." };
}

/**
 * Adds the lifecycle parts to a computed status: `lastSuccessfulBackup`, `lastFailedBackup`
 * and `BackupHealthy` from `health`; the `Stopped` condition (see {@link stopHold}). Returns
 * the status and the Events its transitions deserve (a stop starting to wait; backup health
 * turning False, or recovering).
 */
export function withLifecycle(
  cluster: MySQLCluster,
  computed: MySQLClusterStatus,
  health: BackupHealth,
  hold: StopHold | undefined,
  now: Date,
): { status: MySQLClusterStatus; events: ClusterEvent[] } {
  const observedGeneration = cluster.metadata.generation ?? 0;
  const status: MySQLClusterStatus = { ...computed };
  delete status.lastSuccessfulBackup;
  delete status.lastFailedBackup;
  if (health.lastSuccessfulBackup) status.lastSuccessfulBackup = health.lastSuccessfulBackup;
  if (health.lastFailedBackup) status.lastFailedBackup = health.lastFailedBackup;
  const next: ConditionInput[] = [{ ...health.condition, observedGeneration }];
  const stopped = stoppedCondition(cluster, computed, hold);
  if (stopped) next.push({ ...stopped, observedGeneration });
  status.conditions = setConditions(computed.conditions, next, now);
  return { status, events: lifecycleEvents(cluster.status, status) };
}

function lifecycleEvents(
  before: MySQLClusterStatus | undefined,
  after: MySQLClusterStatus,
): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  const was = (type: string) => findCondition(before?.conditions, type);
  const now = (type: string) => findCondition(after.conditions, type);
  const changed = (type: string) =>
    now(type) !== undefined &&
    (now(type)?.status !== was(type)?.status || now(type)?.reason !== was(type)?.reason);
  const stopped = now(ConditionType.Stopped);
  if (
    stopped &&
    changed(ConditionType.Stopped) &&
    (stopped.reason === STOPPED_REASON.WaitingForBackup ||
      stopped.reason === STOPPED_REASON.WaitingForRestore)
  ) {
    events.push({ type: "Normal", reason: stopped.reason, message: stopped.message });
  }
  const backup = now("BackupHealthy");
  if (backup && changed("BackupHealthy")) {
    if (backup.status === "False") {
      events.push({ type: "Warning", reason: backup.reason, message: backup.message });
    } else if (backup.status === "True" && was("BackupHealthy")?.status === "False") {
      events.push({ type: "Normal", reason: "BackupHealthy", message: backup.message });
    }
  }
  return events;
}
