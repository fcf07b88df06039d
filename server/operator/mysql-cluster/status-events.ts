import "server-only";
import { isDeepStrictEqual } from "node:util";
import { ConditionType, type Condition } from "@/lib/crds/common";
import type { MySQLCluster, MySQLClusterStatus } from "@/lib/crds/mysql-cluster";
import { ReplicationConditionType } from "@/lib/crds/mysql-replication";
import { findCondition, setConditions } from "../runtime/conditions";
import { PROGRESS_DEADLINE_EXCEEDED } from "./progress-deadline";
import { REPLICATION_REASON } from "./replication-conditions";
import { REASON, phaseFor } from "./status";

/**
 * The status of a paused cluster (annotation `pilothouse.dev/reconcile: paused`): only the
 * `Paused` condition and the phase change; `observedGeneration` stays, so the UI can say the
 * spec is not yet applied (DESIGN.md, lifecycle contract).
 */
export function pausedStatus(cluster: MySQLCluster, now: Date): MySQLClusterStatus {
  const previous = cluster.status ?? {};
  const conditions = setConditions(
    previous.conditions,
    [
      {
        type: ConditionType.Paused,
        status: "True",
        reason: REASON.ReconcilePaused,
        message: "Reconciliation is paused by the annotation pilothouse.dev/reconcile=paused.",
        observedGeneration: cluster.metadata.generation ?? 0,
      },
    ],
    now,
  );
  return { ...previous, phase: phaseFor(conditions), conditions };
}

/**
 * The status after an error that retrying cannot fix (e.g. the apiserver refused an owned object
 * as invalid): `Ready=False` and `Progressing=False` with reason `ApplyFailed` and the error's
 * message. The last observed generation and counts stay as they were.
 */
export function failedStatus(
  cluster: MySQLCluster,
  message: string,
  now: Date,
): MySQLClusterStatus {
  const previous = cluster.status ?? {};
  const observedGeneration = cluster.metadata.generation ?? 0;
  const conditions = setConditions(
    previous.conditions,
    [ConditionType.Ready, ConditionType.Progressing].map((type) => ({
      type,
      status: "False" as const,
      reason: REASON.ApplyFailed,
      message,
      observedGeneration,
    })),
    now,
  );
  return { ...previous, phase: phaseFor(conditions), conditions };
}

/** True when writing `next` would change nothing (the operator then skips the write). */
export function statusUnchanged(
  current: MySQLClusterStatus | undefined,
  next: MySQLClusterStatus,
): boolean {
  return isDeepStrictEqual(
    JSON.parse(JSON.stringify(current ?? {})),
    JSON.parse(JSON.stringify(next)),
  );
}

/** A Kubernetes Event to record on the cluster. */
export interface ClusterEvent {
  type: "Normal" | "Warning";
  /** UpperCamelCase, e.g. `Ready`. */
  reason: string;
  message: string;
}

/**
 * The Events a status change deserves: becoming Ready, losing Ready, stopping, pausing,
 * resuming, failing, missing the progress deadline (`ProgressDeadlineExceeded`). Nothing when the transition is not one of these.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/event-v1/
 */
export function transitionEvents(
  before: MySQLClusterStatus | undefined,
  after: MySQLClusterStatus,
): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  const was = (type: string) => findCondition(before?.conditions, type);
  const now = (type: string) => findCondition(after.conditions, type);
  const ready = now(ConditionType.Ready);
  const wasReady = was(ConditionType.Ready)?.status === "True";
  if (ready?.status === "True" && !wasReady) {
    events.push({ type: "Normal", reason: "Ready", message: ready.message });
  }
  // Losing Ready is news only when nobody asked for it: not while stopping, not on a failed
  // apply (its own event), and not while a new generation rolls out (e.g. a scale-up).
  const expected: string[] = [REASON.Stopping, REASON.Stopped, REASON.ApplyFailed];
  const settled = after.observedGeneration === ready?.observedGeneration;
  if (ready && ready.status !== "True" && wasReady && settled && !expected.includes(ready.reason)) {
    events.push({ type: "Warning", reason: "NotReady", message: ready.message });
  }
  if (after.phase === "Stopped" && before?.phase !== "Stopped") {
    events.push({ type: "Normal", reason: "Stopped", message: ready?.message ?? "Stopped." });
  }
  if (after.phase === "Failed" && before?.phase !== "Failed") {
    events.push({ type: "Warning", reason: REASON.ApplyFailed, message: ready?.message ?? "" });
  }
  // While servers start or roll, replication is expected to be down: no Warning for that.
  if (now(ConditionType.Progressing)?.status !== "True")
    events.push(
      ...replicationEvents(
        was(ReplicationConditionType.ReplicationHealthy),
        now(ReplicationConditionType.ReplicationHealthy),
      ),
    );
  const degraded = now(ConditionType.Degraded);
  const wasDegraded = was(ConditionType.Degraded);
  if (
    degraded?.reason === REPLICATION_REASON.SemiSyncAsynchronous &&
    degraded.status === "True" &&
    wasDegraded?.reason !== degraded.reason
  ) {
    events.push({ type: "Warning", reason: degraded.reason, message: degraded.message });
  }
  const progressing = now(ConditionType.Progressing);
  if (
    progressing?.reason === PROGRESS_DEADLINE_EXCEEDED &&
    was(ConditionType.Progressing)?.reason !== PROGRESS_DEADLINE_EXCEEDED
  ) {
    events.push({ type: "Warning", reason: progressing.reason, message: progressing.message });
  }
  const paused = now(ConditionType.Paused);
  if (paused && paused.status !== was(ConditionType.Paused)?.status) {
    const reason = paused.status === "True" ? "Paused" : "Resumed";
    events.push({ type: "Normal", reason, message: paused.message });
  }
  return events;
}

/**
 * Events for `ReplicationHealthy` transitions: a Warning named after the reason each time the
 * condition turns False or its reason changes while False (e.g. `PrimaryUnreachable`, then
 * `ErrantTransactions` when a failover is refused), a Normal `ReplicationHealthy` when it
 * recovers. A reason that stays does not repeat its Event.
 */
function replicationEvents(
  before: Condition | undefined,
  after: Condition | undefined,
): ClusterEvent[] {
  if (!after || (after.status === before?.status && after.reason === before.reason)) return [];
  if (after.status === "False")
    return [{ type: "Warning", reason: after.reason, message: after.message }];
  if (after.status === "True" && before?.status === "False") {
    return [{ type: "Normal", reason: "ReplicationHealthy", message: after.message }];
  }
  return [];
}
