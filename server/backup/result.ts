import "server-only";
import { z } from "zod";
import { BackupPositionSchema } from "@/lib/crds/backup-storage";
import { MySQLEngineSchema } from "@/lib/crds/mysql-cluster";
import { BackupErrorCode } from "./errors";

/**
 * What a backup Job reports: one JSON line on stdout and in the container's termination message,
 * which the operator reads from `status.containerStatuses[].state.terminated.message` and copies
 * into the MySQLBackup / MySQLRestore status. Parse it with {@link JobResultSchema}.
 *
 * @see https://kubernetes.io/docs/tasks/debug/debug-application/determine-reason-pod-failure/
 */

const TimesShape = {
  startedAt: z.iso.datetime(),
  completedAt: z.iso.datetime(),
  /** Wall time of the operation, in seconds. */
  durationSeconds: z.number().min(0),
};

export const JobErrorSchema = z.object({
  code: z.enum(BackupErrorCode),
  message: z.string(),
});
export type JobError = z.infer<typeof JobErrorSchema>;

const ObjectShape = {
  bucket: z.string(),
  key: z.string(),
  /** `s3://bucket/key`. */
  url: z.string(),
  /** Size of the stored (compressed) object, in bytes. */
  sizeBytes: z.int().min(0),
  /** Hex sha256 of the stored object. */
  sha256: z.string(),
};

/** A backup that was uploaded and then read back and verified. */
export const BackupSucceededSchema = z.object({
  operation: z.literal("backup"),
  phase: z.literal("Succeeded"),
  ...TimesShape,
  ...ObjectShape,
  manifestKey: z.string(),
  /** Size of the SQL text before compression, in bytes. */
  dumpBytes: z.int().min(0),
  engine: MySQLEngineSchema,
  serverVersion: z.string(),
  databases: z.array(z.string()),
  position: BackupPositionSchema,
});
export type BackupSucceeded = z.infer<typeof BackupSucceededSchema>;

/** A stored backup whose size and sha256 match the record. */
export const VerifySucceededSchema = z.object({
  operation: z.literal("verify"),
  phase: z.literal("Succeeded"),
  ...TimesShape,
  ...ObjectShape,
});
export type VerifySucceeded = z.infer<typeof VerifySucceededSchema>;

/** A verified backup applied completely by the database client. */
export const RestoreSucceededSchema = z.object({
  operation: z.literal("restore"),
  phase: z.literal("Succeeded"),
  ...TimesShape,
  ...ObjectShape,
  /** Compressed bytes fed to the client; equals sizeBytes on success. */
  bytesApplied: z.int().min(0),
});
export type RestoreSucceeded = z.infer<typeof RestoreSucceededSchema>;

/** Any operation that failed, with the reason. */
export const JobFailedSchema = z.object({
  /** `unknown` when the command line named no valid operation. */
  operation: z.enum(["backup", "verify", "restore", "unknown"]),
  phase: z.literal("Failed"),
  ...TimesShape,
  /** `s3://bucket/key` of the object concerned, when known. */
  url: z.string().optional(),
  error: JobErrorSchema,
});
export type JobFailed = z.infer<typeof JobFailedSchema>;

export const JobResultSchema = z.union([
  BackupSucceededSchema,
  VerifySucceededSchema,
  RestoreSucceededSchema,
  JobFailedSchema,
]);
export type JobResult = z.infer<typeof JobResultSchema>;
export type BackupResult = BackupSucceeded | JobFailed;
export type VerifyResult = VerifySucceeded | JobFailed;
export type RestoreResult = RestoreSucceeded | JobFailed;

/** Start and end of an operation, for the result. */
export function timesSince(started: Date, now = new Date()) {
  return {
    startedAt: started.toISOString(),
    completedAt: now.toISOString(),
    durationSeconds: Math.max(0, (now.getTime() - started.getTime()) / 1000),
  };
}

/** Kubernetes keeps at most 4096 bytes of a termination message. */
export const TERMINATION_MESSAGE_LIMIT = 4096;

/**
 * The result as one JSON line that fits a termination message: when it is too long (a long
 * error message, a GTID set of many servers), the error message and then the GTID set are
 * shortened, marked with `…`; the manifest in storage keeps the full record.
 */
export function formatResultLine(result: JobResult): string {
  const line = JSON.stringify(result);
  if (Buffer.byteLength(line) <= TERMINATION_MESSAGE_LIMIT) return line;
  const copy = structuredClone(result);
  if (copy.phase === "Failed") copy.error.message = `${copy.error.message.slice(0, 2000)}…`;
  if ("position" in copy) {
    copy.position.gtid = `${copy.position.gtid.slice(0, 1200)}…`;
    if (copy.databases.length > 20) copy.databases = [...copy.databases.slice(0, 20), "…"];
  }
  return JSON.stringify(copy);
}
