import "server-only";
import { isDeepStrictEqual } from "node:util";
import type { BackupPosition } from "@/lib/crds/backup-storage";
import { ConditionType } from "@/lib/crds/common";
import type {
  BackupLocation,
  MySQLBackup,
  MySQLBackupStatus,
  OperationError,
} from "@/lib/crds/mysql-backup";
import { kubeTime, setConditions, type ConditionInput } from "../runtime/conditions";

/** Condition type saying whether the finalizer could delete the stored object. */
export const OBJECT_DELETED_CONDITION = "ObjectDeleted";

/** Condition reasons of a MySQLBackup. */
export const BackupReason = {
  Running: "BackupRunning",
  Verified: "BackupVerified",
  Paused: "ReconcilePaused",
  Resumed: "ReconcileResumed",
  DeletionBlocked: "ObjectDeletionBlocked",
} as const;

/** A Kubernetes Event to record on a MySQLBackup. */
export interface BackupEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

/** What a verified run records. */
export interface VerifiedBackup {
  location: BackupLocation;
  sizeBytes: number;
  sha256: string;
  position?: BackupPosition;
}

function generation(backup: MySQLBackup): number {
  return backup.metadata.generation ?? 0;
}

function withConditions(
  backup: MySQLBackup,
  next: Omit<MySQLBackupStatus, "conditions">,
  conditions: Omit<ConditionInput, "observedGeneration">[],
  now: Date,
): MySQLBackupStatus {
  const observedGeneration = generation(backup);
  return {
    ...next,
    conditions: setConditions(
      backup.status?.conditions,
      conditions.map((condition) => ({ ...condition, observedGeneration })),
      now,
    ),
  };
}

/** The status once the Job exists: `Running`, with the Job and where the object will be. */
export function runningStatus(
  backup: MySQLBackup,
  run: { jobName: string; location: BackupLocation },
  now: Date,
): MySQLBackupStatus {
  const message = `Job ${run.jobName} is writing the backup to ${run.location.url}.`;
  return withConditions(
    backup,
    { ...backup.status, phase: "Running", startedAt: kubeTime(now), ...run },
    [
      { type: ConditionType.Progressing, status: "True", reason: BackupReason.Running, message },
      { type: ConditionType.Ready, status: "False", reason: BackupReason.Running, message },
    ],
    now,
  );
}

/** The status of a run whose stored object the operator has read back and verified. */
export function succeededStatus(
  backup: MySQLBackup,
  verified: VerifiedBackup,
  now: Date,
): MySQLBackupStatus {
  const message = `Verified ${verified.location.url}: ${verified.sizeBytes} bytes, sha256 ${verified.sha256}.`;
  const previous = { ...backup.status };
  delete previous.error;
  return withConditions(
    backup,
    {
      ...previous,
      phase: "Succeeded",
      startedAt: previous.startedAt ?? kubeTime(now),
      completedAt: kubeTime(now),
      ...verified,
    },
    [
      { type: ConditionType.Progressing, status: "False", reason: BackupReason.Verified, message },
      { type: ConditionType.Ready, status: "True", reason: BackupReason.Verified, message },
    ],
    now,
  );
}

/** The status of a run that failed: the error's code is the conditions' reason. */
export function failedStatus(
  backup: MySQLBackup,
  error: OperationError,
  now: Date,
): MySQLBackupStatus {
  const reason = /^[A-Z][A-Za-z0-9]*$/.test(error.code) ? error.code : "Failed";
  return withConditions(
    backup,
    {
      ...backup.status,
      phase: "Failed",
      startedAt: backup.status?.startedAt ?? kubeTime(now),
      completedAt: kubeTime(now),
      error,
    },
    [
      { type: ConditionType.Progressing, status: "False", reason, message: error.message },
      { type: ConditionType.Ready, status: "False", reason, message: error.message },
    ],
    now,
  );
}

/** The status while paused (or after resuming): only the `Paused` condition changes. */
export function pausedStatus(backup: MySQLBackup, paused: boolean, now: Date): MySQLBackupStatus {
  const condition = paused
    ? {
        status: "True" as const,
        reason: BackupReason.Paused,
        message: "Reconciliation is paused by the annotation pilothouse.dev/reconcile=paused.",
      }
    : { status: "False" as const, reason: BackupReason.Resumed, message: "Reconciling again." };
  return withConditions(
    backup,
    { ...backup.status },
    [{ type: ConditionType.Paused, ...condition }],
    now,
  );
}

/** The status when the finalizer cannot delete the stored object: says why, and what to do. */
export function deletionBlockedStatus(
  backup: MySQLBackup,
  message: string,
  now: Date,
): MySQLBackupStatus {
  return withConditions(
    backup,
    { ...backup.status },
    [
      {
        type: OBJECT_DELETED_CONDITION,
        status: "False",
        reason: BackupReason.DeletionBlocked,
        message,
      },
    ],
    now,
  );
}

/** True when writing `next` would change nothing. */
export function backupStatusUnchanged(
  current: MySQLBackupStatus | undefined,
  next: MySQLBackupStatus,
): boolean {
  return isDeepStrictEqual(
    JSON.parse(JSON.stringify(current ?? {})),
    JSON.parse(JSON.stringify(next)),
  );
}

/** The Events a phase change deserves: started, succeeded, failed. */
export function backupTransitionEvents(
  before: MySQLBackupStatus | undefined,
  after: MySQLBackupStatus,
): BackupEvent[] {
  if (after.phase === before?.phase) return [];
  switch (after.phase) {
    case "Running":
      return [
        {
          type: "Normal",
          reason: "Started",
          message: `Backup started by Job ${after.jobName ?? ""}.`,
        },
      ];
    case "Succeeded":
      return [
        {
          type: "Normal",
          reason: "Succeeded",
          message: `Backup verified in storage: ${after.location?.url ?? ""}, ${after.sizeBytes ?? 0} bytes.`,
        },
      ];
    case "Failed":
      return [
        {
          type: "Warning",
          reason: "Failed",
          message: `${after.error?.code ?? "Failed"}: ${after.error?.message ?? ""}`,
        },
      ];
    default:
      return [];
  }
}
