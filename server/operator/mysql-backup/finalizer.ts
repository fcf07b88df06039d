import "server-only";
import { BACKUP_OBJECT_FINALIZER, type MySQLBackup } from "@/lib/crds/mysql-backup";
import { describeError, BackupErrorCode } from "@/server/backup/errors";
import type { ReconcileResult } from "../runtime/controller";
import { isConflict } from "../runtime/kube-api-error";
import type { RawObject } from "./api";
import {
  CONFLICT_REQUEUE_MS,
  lookUpStorage,
  recordBackupEvent,
  writeBackupStatus,
  type BackupContext,
} from "./context";
import { deletionBlockedStatus } from "./status";

/** How often a blocked deletion is retried, in ms. */
export const DELETION_RETRY_MS = 60_000;

/** How often the finalizer checks whether the run's Job is gone, in ms. */
const JOB_GONE_POLL_MS = 2_000;

const HOW_TO_UNBLOCK = `Fix the cause, or remove the finalizer ${BACKUP_OBJECT_FINALIZER} to let the MySQLBackup go and keep the object in storage.`;

async function removeFinalizer(
  context: BackupContext,
  raw: RawObject,
  backup: MySQLBackup,
): Promise<ReconcileResult | undefined> {
  const rest = (backup.metadata.finalizers ?? []).filter((f) => f !== BACKUP_OBJECT_FINALIZER);
  try {
    await context.api.setBackupFinalizers(raw, rest);
  } catch (error) {
    if (isConflict(error)) return { requeueAfterMs: CONFLICT_REQUEUE_MS };
    throw error;
  }
  return undefined;
}

/**
 * The finalizer of a MySQLBackup being deleted: stops its Job if it still runs (waiting until the
 * Job and its pod are gone, so nothing uploads after the delete), deletes the stored object and
 * its manifest with the storage's credentials, then removes the finalizer. When the object cannot
 * be deleted (cluster or storage gone, credentials missing, S3 refuses), the condition
 * `ObjectDeleted=False` and a Warning Event say why, and the deletion is retried every minute —
 * it never waits silently.
 */
export async function finalizeBackup(
  context: BackupContext,
  raw: RawObject,
  backup: MySQLBackup,
): Promise<ReconcileResult | undefined> {
  if (!backup.metadata.finalizers?.includes(BACKUP_OBJECT_FINALIZER)) return undefined;
  const namespace = backup.metadata.namespace ?? "";
  const location = backup.status?.location;
  if (!location) return removeFinalizer(context, raw, backup);
  const jobName = backup.status?.jobName;
  if (
    jobName &&
    backup.status?.phase === "Running" &&
    (await context.api.getJob(namespace, jobName))
  ) {
    await context.api.deleteJob(namespace, jobName);
    return { requeueAfterMs: JOB_GONE_POLL_MS };
  }
  const blocked = async (why: string) => {
    const message = `Cannot delete ${location.url}: ${why}. ${HOW_TO_UNBLOCK}`;
    const next = deletionBlockedStatus(backup, message, context.now());
    const event = { type: "Warning" as const, reason: "DeletionBlocked", message };
    const written = await writeBackupStatus(context, raw, backup, next, [event]);
    return written ?? { requeueAfterMs: DELETION_RETRY_MS };
  };
  const lookup = await lookUpStorage(context, backup);
  if (!lookup.ok) return blocked(lookup.error.message);
  try {
    await context.store.deleteObject(lookup.storage, location);
  } catch (error) {
    return blocked(describeError(error, BackupErrorCode.StorageError).message);
  }
  context.log.info(
    { namespace, backup: backup.metadata.name, url: location.url },
    "backup object deleted",
  );
  await recordBackupEvent(context, backup, {
    type: "Normal",
    reason: "ObjectDeleted",
    message: `Deleted ${location.url} and its manifest.`,
  });
  return removeFinalizer(context, raw, backup);
}
