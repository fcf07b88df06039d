import "server-only";
import type { BackupStorage } from "@/lib/crds/backup-storage";
import type { BackupLocation, OperationError } from "@/lib/crds/mysql-backup";
import { describeError, BackupErrorCode } from "@/server/backup/errors";
import type { JobOutcome, TerminationReport } from "./job-result";
import type { BackupObjectStore } from "./object-store";
import type { VerifiedBackup } from "./status";

/**
 * How far a backup Job's clock may be behind the apiserver's, in ms: a manifest that started
 * earlier than the MySQLBackup's creation minus this belongs to an earlier run of the same name.
 */
export const MAX_CLOCK_SKEW_MS = 120_000;

/** The verdict on a finished Job: a verified backup, or why there is none. */
export type Verdict = { ok: true; verified: VerifiedBackup } | { ok: false; error: OperationError };

export interface FinishedRun {
  jobName: string;
  outcome: Exclude<JobOutcome, { state: "running" }>;
  report: TerminationReport;
  storage: BackupStorage;
  /** The backup's name in the storage (`<namespace>/<cluster>/<backup>`). */
  objectName: string;
  location: BackupLocation;
  /** The MySQLBackup's creationTimestamp. */
  createdAt: Date;
  store: BackupObjectStore;
}

const fail = (code: string, message: string): Verdict => ({ ok: false, error: { code, message } });

/**
 * Decides whether a finished backup Job produced a backup, by verifying in the operator: the
 * object the Job reported (termination message) is read back and must match its size and sha256.
 * A Job that completed without reporting (its pod is gone, or nothing ran it, as under KWOK) is
 * judged by storage alone: the manifest the backup command writes last must exist, belong to this
 * run (not started before the MySQLBackup existed) and match the object. Never throws.
 *
 * @see ../../backup/verify.ts (`runVerify`)
 */
export async function judgeFinishedRun(run: FinishedRun): Promise<Verdict> {
  const { report, outcome, location, store, storage, objectName } = run;
  if (report.kind === "result") {
    const { result } = report;
    if (result.phase === "Failed") return fail(result.error.code, result.error.message);
    if (result.operation !== "backup") {
      return fail(
        "UnexpectedResult",
        `Job ${run.jobName} reported a ${result.operation} result, not a backup`,
      );
    }
    if (result.key !== location.key || result.bucket !== location.bucket) {
      return fail(
        "UnexpectedResult",
        `Job ${run.jobName} reported ${result.url}, but this backup belongs at ${location.url}`,
      );
    }
    const checked = await store.verify(storage, objectName, {
      sizeBytes: result.sizeBytes,
      sha256: result.sha256,
    });
    if (checked.phase === "Failed") {
      return fail(
        checked.error.code,
        `Job ${run.jobName} reported ${result.url}, but the operator could not verify it: ${checked.error.message}`,
      );
    }
    const { sizeBytes, sha256 } = checked;
    return { ok: true, verified: { location, sizeBytes, sha256, position: result.position } };
  }
  const unreported =
    report.kind === "unreadable"
      ? `its pod ${report.pod} left an unreadable result (${report.message})`
      : "it reported no result";
  if (outcome.state === "failed") {
    return fail(
      "JobFailed",
      `Job ${run.jobName} failed (${outcome.reason}: ${outcome.message}) and ${unreported}`,
    );
  }
  const noBackup = (why: string) =>
    fail(
      "NoVerifiedBackup",
      `Job ${run.jobName} completed but ${unreported}, and there is no verified backup in storage: ${why}`,
    );
  let manifest;
  try {
    manifest = await store.readManifest(storage, objectName);
  } catch (error) {
    return noBackup(describeError(error, BackupErrorCode.StorageError).message);
  }
  if (Date.parse(manifest.startedAt) < run.createdAt.getTime() - MAX_CLOCK_SKEW_MS) {
    return noBackup(
      `the stored backup at ${location.url} was taken at ${manifest.startedAt}, before this MySQLBackup was created (${run.createdAt.toISOString()}): it belongs to an earlier run`,
    );
  }
  const checked = await store.verify(storage, objectName, {
    sizeBytes: manifest.sizeBytes,
    sha256: manifest.sha256,
  });
  if (checked.phase === "Failed") return noBackup(checked.error.message);
  const { sizeBytes, sha256 } = checked;
  return { ok: true, verified: { location, sizeBytes, sha256, position: manifest.position } };
}
