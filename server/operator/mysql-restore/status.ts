import "server-only";
import { isDeepStrictEqual } from "node:util";
import { ConditionType, type Condition } from "@/lib/crds/common";
import type { BackupPhase, OperationError } from "@/lib/crds/mysql-backup";
import type { MySQLRestore, MySQLRestoreStatus } from "@/lib/crds/mysql-restore";
import { findCondition, kubeTime, setConditions, type ConditionInput } from "../runtime/conditions";

/**
 * Condition type saying whether the restore has stopped writes on the target's primary. `True`
 * while it has (and, after a failed run that may have changed data, until someone acts).
 */
export const WRITES_STOPPED_CONDITION = "WritesStopped";

/** Condition reasons of a MySQLRestore. */
export const RestoreReason = {
  /** Pending: the backup is not finished yet. */
  WaitingForBackup: "WaitingForBackup",
  /** Pending: the existing target cluster is not Ready yet. */
  WaitingForCluster: "WaitingForCluster",
  /** Running: the new target cluster is being created; waiting for its primary. */
  CreatingCluster: "CreatingCluster",
  /** Running: the existing target is marked busy; writes on its primary are being stopped. */
  StoppingWrites: "StoppingWrites",
  /** Running: the Job applies the backup. */
  Restoring: "Restoring",
  Restored: "Restored",
  Paused: "ReconcilePaused",
  Resumed: "ReconcileResumed",
  /** WritesStopped True: read-only on the primary while the restore runs. */
  WritesStoppedForRestore: "StoppedForRestore",
  /** WritesStopped False: the primary takes writes again. */
  WritesReopened: "WritesReopened",
  /** WritesStopped True after a failure: the data may be partly restored. */
  DataMayBePartial: "DataMayBePartial",
  /** WritesStopped Unknown: database checks are disabled, no SQL was issued. */
  NotChecked: "DatabaseChecksDisabled",
} as const;

/** Reasons of a `Progressing=False` condition that mean "waiting to start", not "failed". */
const WAITING_REASONS: readonly string[] = [
  RestoreReason.WaitingForBackup,
  RestoreReason.WaitingForCluster,
];

/** A Kubernetes Event to record on a MySQLRestore. */
export interface RestoreEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

/**
 * `status.phase`, derived from the conditions (DESIGN.md: never a second source of truth):
 * `Ready=True` → Succeeded; `Progressing=True` → Running; `Progressing=False` with a waiting
 * reason (or no conditions) → Pending; `Progressing=False` otherwise → Failed.
 */
export function restorePhase(conditions: readonly Condition[] | undefined): BackupPhase {
  if (findCondition(conditions, ConditionType.Ready)?.status === "True") return "Succeeded";
  const progressing = findCondition(conditions, ConditionType.Progressing);
  if (!progressing) return "Pending";
  if (progressing.status === "True") return "Running";
  return WAITING_REASONS.includes(progressing.reason) ? "Pending" : "Failed";
}

type Fields = Omit<MySQLRestoreStatus, "conditions" | "phase">;
type Input = Omit<ConditionInput, "observedGeneration">;

function next(restore: MySQLRestore, fields: Fields, conditions: Input[], now: Date) {
  const observedGeneration = restore.metadata.generation ?? 0;
  const list = setConditions(
    restore.status?.conditions,
    conditions.map((condition) => ({ ...condition, observedGeneration })),
    now,
  );
  return { ...fields, phase: restorePhase(list), conditions: list } satisfies MySQLRestoreStatus;
}

function current(restore: MySQLRestore): Fields {
  const fields: MySQLRestoreStatus = { ...restore.status };
  delete fields.phase;
  delete fields.conditions;
  return fields;
}

/** Both summary conditions with one reason and message. */
function summary(progressing: Condition["status"], reason: string, message: string): Input[] {
  return [
    { type: ConditionType.Progressing, status: progressing, reason, message },
    { type: ConditionType.Ready, status: "False", reason, message },
  ];
}

/** Pending: waiting for the backup or the existing cluster, with why. */
export function pendingStatus(
  restore: MySQLRestore,
  reason: (typeof WAITING_REASONS)[number],
  message: string,
  now: Date,
): MySQLRestoreStatus {
  return next(restore, current(restore), summary("False", reason, message), now);
}

/**
 * Running at one step (`CreatingCluster`, `Restoring`), with `fields` merged in (jobName,
 * progress). `startedAt` is set the first time.
 */
export function runningStatus(
  restore: MySQLRestore,
  reason: string,
  message: string,
  fields: Fields,
  now: Date,
): MySQLRestoreStatus {
  const before = current(restore);
  return next(
    restore,
    { ...before, startedAt: before.startedAt ?? kubeTime(now), ...fields },
    summary("True", reason, message),
    now,
  );
}

/** The `WritesStopped` condition set (the rest unchanged). */
export function writesStatus(
  restore: MySQLRestore,
  status: Condition["status"],
  reason: string,
  message: string,
  now: Date,
): MySQLRestoreStatus {
  return next(
    restore,
    current(restore),
    [{ type: WRITES_STOPPED_CONDITION, status, reason, message }],
    now,
  );
}

/** Succeeded: the Job applied the whole backup; `bytesApplied` when it reported it. */
export function succeededStatus(
  restore: MySQLRestore,
  bytesApplied: number | undefined,
  now: Date,
): MySQLRestoreStatus {
  const before = current(restore);
  delete before.error;
  const total = before.progress?.bytesTotal ?? 0;
  const message = `Restored MySQLBackup ${restore.spec.backupName} into MySQLCluster ${targetName(restore)}.`;
  return next(
    restore,
    {
      ...before,
      startedAt: before.startedAt ?? kubeTime(now),
      completedAt: kubeTime(now),
      progress: { bytesTotal: total, bytesApplied: bytesApplied ?? total },
    },
    [
      { type: ConditionType.Progressing, status: "False", reason: RestoreReason.Restored, message },
      { type: ConditionType.Ready, status: "True", reason: RestoreReason.Restored, message },
    ],
    now,
  );
}

/** Failed: the error's code is the conditions' reason (`Failed` when it is not a word). */
export function failedStatus(
  restore: MySQLRestore,
  error: OperationError,
  now: Date,
): MySQLRestoreStatus {
  const reason = /^[A-Z][A-Za-z0-9]*$/.test(error.code) ? error.code : "Failed";
  const before = current(restore);
  return next(
    restore,
    { ...before, startedAt: before.startedAt ?? kubeTime(now), completedAt: kubeTime(now), error },
    summary("False", reason, error.message),
    now,
  );
}

/** The status while paused (or after resuming): only the `Paused` condition changes. */
export function pausedStatus(
  restore: MySQLRestore,
  paused: boolean,
  now: Date,
): MySQLRestoreStatus {
  const condition = paused
    ? {
        status: "True" as const,
        reason: RestoreReason.Paused,
        message: "Reconciliation is paused by the annotation pilothouse.dev/reconcile=paused.",
      }
    : { status: "False" as const, reason: RestoreReason.Resumed, message: "Reconciling again." };
  return next(restore, current(restore), [{ type: ConditionType.Paused, ...condition }], now);
}

/** The cluster a restore writes into. */
export function targetName(restore: MySQLRestore): string {
  return restore.spec.target.clusterName ?? restore.spec.target.newCluster?.name ?? "";
}

/** True when writing `next` would change nothing. */
export function restoreStatusUnchanged(
  before: MySQLRestoreStatus | undefined,
  after: MySQLRestoreStatus,
): boolean {
  return isDeepStrictEqual(
    JSON.parse(JSON.stringify(before ?? {})),
    JSON.parse(JSON.stringify(after)),
  );
}

/**
 * The Events of a status change: one per transition of the phase or of the step (the reason of
 * `Progressing`), and one per change of `WritesStopped`.
 */
export function restoreTransitionEvents(
  before: MySQLRestoreStatus | undefined,
  after: MySQLRestoreStatus,
): RestoreEvent[] {
  const events: RestoreEvent[] = [];
  const step = (status: MySQLRestoreStatus | undefined) =>
    findCondition(status?.conditions, ConditionType.Progressing);
  const was = step(before);
  const is = step(after);
  if (is && (after.phase !== before?.phase || is.reason !== was?.reason)) {
    const warning = after.phase === "Failed" || is.reason === RestoreReason.WaitingForBackup;
    events.push({
      type: warning ? "Warning" : "Normal",
      reason: after.phase === "Failed" ? "Failed" : is.reason,
      message:
        after.phase === "Failed" && after.error
          ? `${after.error.code}: ${after.error.message}`
          : is.message,
    });
  }
  const writesBefore = findCondition(before?.conditions, WRITES_STOPPED_CONDITION);
  const writes = findCondition(after.conditions, WRITES_STOPPED_CONDITION);
  if (writes && (writes.status !== writesBefore?.status || writes.reason !== writesBefore.reason)) {
    events.push({
      type: writes.reason === RestoreReason.DataMayBePartial ? "Warning" : "Normal",
      reason: writes.status === "True" ? "WritesStopped" : writes.reason,
      message: writes.message,
    });
  }
  return events;
}
