import "server-only";
import type { Logger } from "pino";
import { isFinishedPhase } from "@/lib/crds/mysql-backup";
import {
  MySQLRestoreNames,
  type MySQLRestore,
  type MySQLRestoreStatus,
} from "@/lib/crds/mysql-restore";
import { recordObjectEvent, writeOrRequeue, type RawObject } from "../mysql-common/kube";
import type { BackupJobOptions } from "../mysql-backup/resources";
import type { ReconcileResult } from "../runtime/controller";
import type { RestoreApi } from "./api";
import type { PrimaryWrites } from "./database";
import type { RestoreMetrics } from "./metrics";
import { restoreStatusUnchanged, restoreTransitionEvents, type RestoreEvent } from "./status";

/** What the steps of one MySQLRestore reconcile share. */
export interface RestoreContext {
  api: RestoreApi;
  writes: PrimaryWrites;
  job: BackupJobOptions;
  /** False: no SQL is issued (simulated nodes only); `WritesStopped` says so. */
  databaseChecks: boolean;
  metrics: RestoreMetrics;
  log: Logger;
  now: () => Date;
}

export { CONFLICT_REQUEUE_MS } from "../mysql-common/kube";

/** Records an Event on the restore; a failure to record is logged, never fatal. */
export async function recordRestoreEvent(
  context: RestoreContext,
  restore: MySQLRestore,
  event: RestoreEvent,
): Promise<void> {
  await recordObjectEvent(context, MySQLRestoreNames.kind, restore, event);
}

/**
 * Writes `next` to the status subresource when it differs from the current status, then records
 * the Events of the change and counts a run that just finished. 409 = requeue shortly (the next
 * reconcile re-reads the object).
 */
export async function writeRestoreStatus(
  context: RestoreContext,
  raw: RawObject,
  restore: MySQLRestore,
  next: MySQLRestoreStatus,
  requeueAfterMs?: number,
): Promise<ReconcileResult | undefined> {
  const then = requeueAfterMs === undefined ? undefined : { requeueAfterMs };
  if (restoreStatusUnchanged(restore.status, next)) return then;
  const conflict = await writeOrRequeue(() =>
    context.api.replaceRestoreStatus({ ...raw, status: next }),
  );
  if (conflict) return conflict;
  const { name, namespace } = restore.metadata;
  context.log.info({ namespace, restore: name, phase: next.phase }, "restore status updated");
  if (isFinishedPhase(next.phase) && !isFinishedPhase(restore.status?.phase)) {
    context.metrics.finished(namespace ?? "", next.phase === "Succeeded" ? "succeeded" : "failed");
  }
  for (const event of restoreTransitionEvents(restore.status, next)) {
    await recordRestoreEvent(context, restore, event);
  }
  return then;
}
