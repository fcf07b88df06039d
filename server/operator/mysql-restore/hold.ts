import "server-only";
import { ConditionType } from "@/lib/crds/common";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";
import { RESTORE_IN_PROGRESS_ANNOTATION, type MySQLRestore } from "@/lib/crds/mysql-restore";
import { findCondition } from "../runtime/conditions";
import { REASON as CLUSTER_REASON } from "../mysql-cluster/status";
import { RestoreReason, WRITES_STOPPED_CONDITION, targetName, type RestoreEvent } from "./status";

/**
 * The hold a MySQLRestore puts on its cluster ({@link RESTORE_IN_PROGRESS_ANNOTATION}): while
 * it is set the cluster controller keeps the primary read-only, also across failover and
 * switchover. A run that ends well, or fails before changing any data, releases it. A run that
 * failed after it started applying data (`WritesStopped` reason `DataMayBePartial`) keeps it —
 * also when the MySQLRestore is deleted — until a new MySQLRestore into the same cluster
 * succeeds (it takes the hold over) or someone removes the annotation after checking the data.
 */

/** True when the run failed after it may have changed data: its cluster stays held. */
export function leftDataPartial(restore: MySQLRestore): boolean {
  const writes = findCondition(restore.status?.conditions, WRITES_STOPPED_CONDITION);
  return restore.status?.phase === "Failed" && writes?.reason === RestoreReason.DataMayBePartial;
}

/**
 * What a finished or deleted run does with the hold it may have on its cluster:
 * - `release`: the annotation names this run; remove it.
 * - `keep`: the annotation names this run and the data may be partial; leave it (the
 *   finalizer stays too, until the run is deleted, so that deletion can say so).
 * - `none`: the annotation is absent or names another run (it took the hold over, or a user
 *   removed it): nothing to do.
 *
 * @param holder the annotation's current value on the target (undefined: absent, or no target).
 */
export function holdOnFinish(
  restore: MySQLRestore,
  holder: string | undefined,
): "release" | "keep" | "none" {
  if (holder !== restore.metadata.name) return "none";
  return leftDataPartial(restore) ? "keep" : "release";
}

/** The command that releases a hold deliberately, for messages. */
export function releaseCommand(restore: MySQLRestore): string {
  const namespace = restore.metadata.namespace ?? "";
  return `kubectl annotate mysqlcluster -n ${namespace} ${targetName(restore)} ${RESTORE_IN_PROGRESS_ANNOTATION}-`;
}

/**
 * The `WritesStopped` message of a run that failed after it may have changed data: what stays
 * held, and the two ways to release it.
 *
 * @param checked false when database checks are disabled (no SQL was issued).
 */
export function partialDataMessage(restore: MySQLRestore, checked: boolean): string {
  const cluster = targetName(restore);
  const state = checked
    ? `its primary stays read-only`
    : `it stays held (database checks are disabled: no SQL was issued)`;
  return (
    `The databases of MySQLBackup ${restore.spec.backupName} may be partly restored in MySQLCluster ${cluster}: ` +
    `${state}, and ${RESTORE_IN_PROGRESS_ANNOTATION}=${restore.metadata.name} stays on it (also if this MySQLRestore is deleted). ` +
    `To release it, create a new MySQLRestore into ${cluster} from a good backup (it takes the hold over and opens writes when it succeeds), ` +
    `or check the data and remove the annotation deliberately: ${releaseCommand(restore)}`
  );
}

/** The Warning Event of deleting a run whose cluster stays held. */
export function heldOnDeleteEvent(restore: MySQLRestore): RestoreEvent {
  const cluster = targetName(restore);
  return {
    type: "Warning",
    reason: "ClusterStillHeld",
    message:
      `MySQLRestore ${restore.metadata.name} was deleted, but MySQLCluster ${cluster} stays read-only: ` +
      `the failed restore may have left its data partly restored (${RESTORE_IN_PROGRESS_ANNOTATION}=${restore.metadata.name} is kept). ` +
      `Restore again from a good backup, or check the data and remove the annotation: ${releaseCommand(restore)}`,
  };
}

/**
 * True when the target can take a restore now: `Ready`, or — while it is held by an earlier
 * run that left the data partial — every server Ready with a reachable primary that is only
 * read-only (its Ready reason is `PrimaryUnavailable` because of the hold itself). Without the
 * second case the hold could never be released by restoring again.
 *
 * @param held the target carries {@link RESTORE_IN_PROGRESS_ANNOTATION} (any value).
 */
export function targetAcceptsRestore(cluster: MySQLCluster, held: boolean): boolean {
  const ready = findCondition(cluster.status?.conditions, ConditionType.Ready);
  if (ready?.status === "True") return true;
  if (!held || ready?.reason !== CLUSTER_REASON.PrimaryUnavailable) return false;
  const primary = cluster.status?.instances?.find((i) => i.name === cluster.status?.primary);
  return primary?.reachable === true && primary.role === "primary";
}
