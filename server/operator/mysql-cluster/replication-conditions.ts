import "server-only";
import { ConditionType } from "@/lib/crds/common";
import { ReplicationConditionType, type MySQLInstanceStatus } from "@/lib/crds/mysql-replication";
import { RESTORE_IN_PROGRESS_ANNOTATION } from "@/lib/crds/mysql-restore";
import type { ProbeResult } from "@/server/mysql";
import type { ConditionInput } from "../runtime/conditions";
import type { ReplicationView } from "./replication-status";
import { followersOf } from "./topology";

/** Reasons of the ReplicationHealthy and Degraded conditions (UpperCamelCase). */
export const REPLICATION_REASON = {
  Replicating: "Replicating",
  SingleServer: "SingleServer",
  TopologyConflict: "TopologyConflict",
  PrimaryUnreachable: "PrimaryUnreachable",
  PrimaryReadOnly: "PrimaryReadOnly",
  RestoreInProgress: "RestoreInProgress",
  ErrantTransactions: "ErrantTransactions",
  ReplicaUnreachable: "ReplicaUnreachable",
  ReplicationBroken: "ReplicationBroken",
  SemiSyncAsynchronous: "SemiSyncAsynchronous",
  Healthy: "Healthy",
} as const;

interface Verdict {
  healthy: boolean;
  reason: string;
  message: string;
}

function replicationVerdict(
  view: ReplicationView,
  instances: readonly MySQLInstanceStatus[],
): Verdict {
  const broken = (reason: string, message: string) => ({ healthy: false, reason, message });
  if (view.conflict) return broken(REPLICATION_REASON.TopologyConflict, view.conflict);
  if (view.failover) return broken(view.failover.reason, view.failover.message);
  const primary = instances.find((i) => i.name === view.primary);
  if (!primary?.reachable) {
    const error = primary?.lastError ? `: ${primary.lastError}` : "";
    return broken(
      REPLICATION_REASON.PrimaryUnreachable,
      `primary ${view.primary} is unreachable${error}`,
    );
  }
  // Read-only on purpose: a restore holds the cluster. Other faults below still come first.
  const heldBy = primary.role === "primary" && primary.readOnly ? view.writesHeldBy : undefined;
  if (heldBy === undefined && (primary.role !== "primary" || primary.readOnly)) {
    return broken(
      REPLICATION_REASON.PrimaryReadOnly,
      `primary ${view.primary} does not accept writes`,
    );
  }
  const others = instances.filter((i) => i.name !== view.primary);
  const errant = others.filter((i) => i.errantTransactions);
  if (errant.length > 0) {
    const list = errant.map((i) => `${i.name} has ${i.errantTransactions}`).join("; ");
    return broken(
      REPLICATION_REASON.ErrantTransactions,
      `errant transactions (written on a replica, not on the primary ${view.primary}): ${list}; kept read-only until rebuilt`,
    );
  }
  const unreachable = others.filter((i) => !i.reachable);
  if (unreachable.length > 0) {
    const list = unreachable.map((i) => `${i.name}: ${i.lastError ?? "unreachable"}`).join("; ");
    return broken(REPLICATION_REASON.ReplicaUnreachable, `unreachable: ${list}`);
  }
  const notReplicating = others.filter((i) => i.role !== "replica");
  if (notReplicating.length > 0) {
    const list = notReplicating
      .map((i) => `${i.name}: ${i.lastError ?? "not replicating from the primary"}`)
      .join("; ");
    return broken(REPLICATION_REASON.ReplicationBroken, list);
  }
  if (heldBy !== undefined) {
    return broken(
      REPLICATION_REASON.RestoreInProgress,
      `primary ${view.primary} is read-only while MySQLRestore ${heldBy} restores into the cluster (${RESTORE_IN_PROGRESS_ANNOTATION}); it takes writes again when the restore succeeds, or when the annotation is removed after a failed restore`,
    );
  }
  if (others.length === 0) {
    return {
      healthy: true,
      reason: REPLICATION_REASON.SingleServer,
      message: "One server: nothing to replicate.",
    };
  }
  const lag = Math.max(0, ...others.map((i) => i.replicationLagSeconds ?? 0));
  return {
    healthy: true,
    reason: REPLICATION_REASON.Replicating,
    message: `${others.length} replica(s) replicate from ${view.primary}; lag at most ${lag} s.`,
  };
}

/** True when the primary has fallen back from semi-synchronous to asynchronous replication. */
export function semiSyncFellBack(primary: ProbeResult | undefined, probes: readonly ProbeResult[]) {
  if (!primary?.reachable || !primary.semiSync.sourceEnabled) return false;
  return !primary.semiSync.sourceActive && followersOf(primary, probes).length > 0;
}

/**
 * The `ReplicationHealthy` and `Degraded` conditions of a running cluster. Degraded is True
 * whenever replication is not healthy, and also when the primary's semi-synchronous replication
 * fell back to asynchronous (a failover could then lose acknowledged writes). A primary kept
 * read-only for a restore (`view.writesHeldBy`) is not healthy either: reason
 * `RestoreInProgress`, naming the restore, unless another fault (errant transactions, an
 * unreachable or broken replica) must be reported first.
 */
export function replicationConditions(
  view: ReplicationView,
  instances: readonly MySQLInstanceStatus[],
  generation: number,
): ConditionInput[] {
  const verdict = replicationVerdict(view, instances);
  const status = (value: boolean) => (value ? ("True" as const) : ("False" as const));
  const replication: ConditionInput = {
    type: ReplicationConditionType.ReplicationHealthy,
    status: status(verdict.healthy),
    reason: verdict.reason,
    message: verdict.message,
    observedGeneration: generation,
  };
  const primary = view.probes.find((p) => p.name === view.primary);
  let degraded: Verdict = verdict;
  if (verdict.healthy && semiSyncFellBack(primary, view.probes)) {
    degraded = {
      healthy: false,
      reason: REPLICATION_REASON.SemiSyncAsynchronous,
      message: `semi-synchronous replication on ${view.primary} fell back to asynchronous: a failover now could lose acknowledged writes`,
    };
  } else if (degraded.healthy) {
    degraded = { healthy: true, reason: REPLICATION_REASON.Healthy, message: verdict.message };
  }
  return [
    replication,
    {
      type: ConditionType.Degraded,
      status: status(!degraded.healthy),
      reason: degraded.reason,
      message: degraded.message,
      observedGeneration: generation,
    },
  ];
}
