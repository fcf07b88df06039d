import "server-only";
import { isFinishedPhase, type MySQLBackup, type OperationError } from "@/lib/crds/mysql-backup";
import type { MySQLCluster, MySQLEngine } from "@/lib/crds/mysql-cluster";
import {
  RESTORE_IN_PROGRESS_ANNOTATION,
  RESTORE_LABEL,
  type MySQLRestore,
} from "@/lib/crds/mysql-restore";
import { BackupErrorCode } from "@/server/backup/errors";
import { targetName } from "./status";

/** Whether a backup can be restored now, must be waited for, or never can. */
export type BackupJudgement =
  | { kind: "ok"; sizeBytes: number; sha256: string }
  | { kind: "wait"; message: string }
  | { kind: "fail"; error: OperationError };

/**
 * Judges `spec.backupName`: only a `Succeeded` MySQLBackup with a verified size and sha256 is
 * restored; a backup still Pending or Running is waited for; a missing or Failed one fails the
 * restore. Messages name the field.
 */
export function judgeBackup(
  namespace: string,
  name: string,
  backup: MySQLBackup | undefined,
): BackupJudgement {
  const field = `spec.backupName: MySQLBackup ${namespace}/${name}`;
  if (!backup) {
    return {
      kind: "fail",
      error: { code: "BackupNotFound", message: `${field} does not exist` },
    };
  }
  const status = backup.status;
  if (status?.phase === "Failed") {
    const why = status.error ? ` (${status.error.code}: ${status.error.message})` : "";
    return {
      kind: "fail",
      error: {
        code: "BackupNotSucceeded",
        message: `${field} is Failed${why}; only a Succeeded backup can be restored`,
      },
    };
  }
  if (!isFinishedPhase(status?.phase)) {
    return {
      kind: "wait",
      message: `${field} is ${status?.phase ?? "Pending"}; the restore starts when it has Succeeded`,
    };
  }
  if (status?.sizeBytes === undefined || !status.sha256) {
    return {
      kind: "fail",
      error: {
        code: "BackupNotVerifiable",
        message: `${field} is Succeeded but records no size or sha256 to verify the object against`,
      },
    };
  }
  return { kind: "ok", sizeBytes: status.sizeBytes, sha256: status.sha256 };
}

/**
 * Why the restore cannot write into `cluster` (the target as read, undefined when absent), or
 * undefined when it can. `sourceEngine` is the engine of the backup's cluster; `others` are the
 * other MySQLRestores of the namespace.
 */
export function refuseTarget(
  restore: MySQLRestore,
  cluster: MySQLCluster | undefined,
  sourceEngine: MySQLEngine,
  others: readonly MySQLRestore[],
): OperationError | undefined {
  const { target } = restore.spec;
  const name = targetName(restore);
  const field = target.clusterName ? "spec.target.clusterName" : "spec.target.newCluster";
  const spec = target.newCluster?.spec ?? cluster?.spec;
  if (target.clusterName && !cluster) {
    return {
      code: "ClusterNotFound",
      message: `${field}: MySQLCluster ${restore.metadata.namespace ?? ""}/${name} does not exist`,
    };
  }
  if (
    target.newCluster &&
    cluster &&
    cluster.metadata.labels?.[RESTORE_LABEL] !== restore.metadata.name
  ) {
    return {
      code: "ClusterExists",
      message: `${field}.name: MySQLCluster ${name} already exists and was not created by this restore; restore into it with spec.target.clusterName, or choose a new name`,
    };
  }
  if (spec?.stopped) {
    return {
      code: "ClusterStopped",
      message: `${field}: MySQLCluster ${name} is stopped (spec.stopped: true); start it, then create a new MySQLRestore`,
    };
  }
  if (spec && spec.engine !== sourceEngine) {
    return {
      code: "EngineMismatch",
      message: `${field}: MySQLCluster ${name} runs ${spec.engine} but MySQLBackup ${restore.spec.backupName} is a ${sourceEngine} backup`,
    };
  }
  const holder = cluster?.metadata.annotations?.[RESTORE_IN_PROGRESS_ANNOTATION];
  const busy = others.find(
    (other) =>
      other.metadata.name !== restore.metadata.name &&
      targetName(other) === name &&
      (other.status?.phase === "Running" ||
        (other.metadata.name === holder && !isFinishedPhase(other.status?.phase))),
  );
  if (busy) {
    return {
      code: "RestoreInProgress",
      message: `${field}: MySQLRestore ${busy.metadata.name} is already restoring into MySQLCluster ${name}; no second restore at once: create a new MySQLRestore after it has finished`,
    };
  }
  return undefined;
}

/** The engine's error codes of a restore that failed before applying anything. */
const UNTOUCHED: readonly string[] = [
  BackupErrorCode.InvalidConfig,
  BackupErrorCode.NotFound,
  BackupErrorCode.AuthFailed,
  BackupErrorCode.SizeMismatch,
];

/**
 * True when a failed restore Job certainly changed no data, so that writes can be opened again:
 * the command reported a failure of its verification pass (configuration, object not found,
 * access refused, size or checksum mismatch before anything was applied). Anything else —
 * no report at all, a deadline, a client or connection failure, a checksum mismatch while
 * applying — may have left the databases partly restored.
 */
export function dataUntouched(error: { code: string; message: string } | undefined): boolean {
  if (!error) return false;
  if (UNTOUCHED.includes(error.code)) return true;
  return error.code === BackupErrorCode.ChecksumMismatch && !/partly restored/.test(error.message);
}
