import "server-only";
import type { Logger } from "pino";
import { isFinishedPhase } from "@/lib/crds/mysql-backup";
import {
  MySQLRestoreNames,
  type MySQLRestore,
  type MySQLRestoreStatus,
} from "@/lib/crds/mysql-restore";
import type { RawObject } from "../mysql-backup/api";
import type { BackupJobOptions } from "../mysql-backup/resources";
import type { ReconcileResult } from "../runtime/controller";
import { isConflict } from "../runtime/kube-api-error";
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

/** Delay before re-reading an object whose write lost a race (409 Conflict), in ms. */
export const CONFLICT_REQUEUE_MS = 250;

/** Records an Event on the restore; a failure to record is logged, never fatal. */
export async function recordRestoreEvent(
  context: RestoreContext,
  restore: MySQLRestore,
  event: RestoreEvent,
): Promise<void> {
  const { name, namespace, uid, resourceVersion } = restore.metadata;
  const target = {
    apiVersion: restore.apiVersion,
    kind: MySQLRestoreNames.kind,
    name,
    namespace,
    uid,
    resourceVersion,
  };
  await context.api.recordEvent(target, event, context.now()).catch((error: unknown) => {
    context.log.warn({ err: error, reason: event.reason }, "could not record event");
  });
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
  try {
    await context.api.replaceRestoreStatus({ ...raw, status: next });
  } catch (error) {
    if (!isConflict(error)) throw error;
    return { requeueAfterMs: CONFLICT_REQUEUE_MS };
  }
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
