import "server-only";
import type { Logger } from "pino";
import { ConditionType, OPERATOR_SHARD_LABEL, RECONCILE_ANNOTATION } from "@/lib/crds/common";
import { isFinishedPhase, type OperationError } from "@/lib/crds/mysql-backup";
import { MySQLClusterSchema, type MySQLCluster } from "@/lib/crds/mysql-cluster";
import {
  MySQLRestoreSchema,
  RESTORE_FINALIZER,
  RESTORE_IN_PROGRESS_ANNOTATION,
  type MySQLRestore,
} from "@/lib/crds/mysql-restore";
import type { RawObject } from "../mysql-backup/api";
import { jobOutcome } from "../mysql-backup/job-result";
import type { BackupJobOptions } from "../mysql-backup/resources";
import type { ReconcileResult, Reconciler } from "../runtime/controller";
import { findCondition, isConditionTrue } from "../runtime/conditions";
import { isConflict } from "../runtime/kube-api-error";
import { parseObjectKey } from "../runtime/watched-object";
import type { RestoreApi } from "./api";
import { refuseTarget } from "./checks";
import {
  CONFLICT_REQUEUE_MS,
  recordRestoreEvent,
  writeRestoreStatus,
  type RestoreContext,
} from "./context";
import { allowWritesStatements, stopWritesStatements, type PrimaryWrites } from "./database";
import { judgeRestoreJob, restoreReport } from "./job-report";
import { noRestoreMetrics, type RestoreMetrics } from "./metrics";
import { heldOnDeleteEvent, holdOnFinish, partialDataMessage, targetAcceptsRestore } from "./hold";
import { restoreJobName } from "./names";
import { newClusterObject, restoreJob } from "./resources";
import { lookUpSource } from "./source";
import {
  RestoreReason,
  WRITES_STOPPED_CONDITION,
  failedStatus,
  pausedStatus,
  pendingStatus,
  runningStatus,
  succeededStatus,
  targetName,
  writesStatus,
} from "./status";

export interface MySQLRestoreReconcilerOptions {
  api: RestoreApi;
  writes: PrimaryWrites;
  job: BackupJobOptions;
  databaseChecks: boolean;
  logger: Logger;
  metrics?: RestoreMetrics;
  /** The clock; tests pass a fixed one. */
  now?: () => Date;
  /** Only restores labelled with this shard are reconciled; undefined = unlabelled ones. */
  shard?: string;
}

/** How often a restore waiting for its backup or its cluster looks again, in ms. */
export const WAIT_POLL_MS = 5_000;
/** How often a running Job is re-read besides its watch events, in ms. */
export const RUNNING_POLL_MS = 30_000;

/**
 * The MySQLRestore reconcile (STYLE.md rule 9): get (NotFound = done), shard and pause, then the
 * run's state machine —
 *
 *   Pending ──backup Succeeded, target accepted──> annotate (or create) the target ──> Running
 *   Running ──target Ready──> stop writes on its primary ──> create the Job
 *   Running ──Job finished──> writes back on (when safe) ──> remove the annotation ──> Succeeded | Failed
 *
 * A finalizer, added before the cluster is marked busy, removes the annotation of a run deleted
 * midway. A run that failed after it may have changed data (`DataMayBePartial`) keeps the
 * annotation — also when deleted, with a Warning Event — so the cluster stays read-only until a
 * new restore succeeds or a user removes it (see hold.ts). A finished run's status is never
 * rewritten. Refusals (no backup, backup Failed, target
 * stopped, another restore at work, engine mismatch) end `Failed` with a stable code and a
 * message naming the field; a backup still running keeps the restore `Pending`. API errors are
 * thrown for a retry with backoff.
 */
export function mysqlRestoreReconciler(options: MySQLRestoreReconcilerOptions): Reconciler {
  const context: RestoreContext = {
    api: options.api,
    writes: options.writes,
    job: options.job,
    databaseChecks: options.databaseChecks,
    metrics: options.metrics ?? noRestoreMetrics,
    log: options.logger.child({ module: "mysql-restore" }),
    now: options.now ?? (() => new Date()),
  };
  const { api } = context;
  const write = writeRestoreStatus.bind(undefined, context);
  const fail = (raw: RawObject, restore: MySQLRestore, error: OperationError) =>
    write(raw, restore, failedStatus(restore, error, context.now()));

  async function readTarget(restore: MySQLRestore) {
    const raw = await api.getCluster(restore.metadata.namespace ?? "", targetName(restore));
    if (!raw) return undefined;
    const parsed = MySQLClusterSchema.safeParse(raw);
    return parsed.success ? { raw, cluster: parsed.data } : undefined;
  }

  async function otherRestores(namespace: string): Promise<MySQLRestore[]> {
    const items = await api.listRestores(namespace);
    return items.flatMap((item) => {
      const parsed = MySQLRestoreSchema.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Adds the finalizer; false when it had to (the object changed: reconcile it afresh). */
  async function hasFinalizer(raw: RawObject, restore: MySQLRestore): Promise<boolean> {
    const finalizers = restore.metadata.finalizers ?? [];
    if (finalizers.includes(RESTORE_FINALIZER)) return true;
    try {
      await api.setRestoreFinalizers(raw, [...finalizers, RESTORE_FINALIZER]);
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
    return false;
  }

  /**
   * A finished or deleted restore: removes the annotation if it still names this restore (a run
   * deleted midway), then the finalizer. A Failed run that may have left partial data keeps the
   * annotation: while it exists it keeps its finalizer too; once deleted, the finalizer goes and
   * Warning Events on the restore and the cluster say the cluster stays held. Writes on the
   * target are left as they are: a run deleted midway may have changed data, and its
   * WritesStopped condition went with it.
   */
  async function finalize(raw: RawObject, restore: MySQLRestore) {
    const finalizers = restore.metadata.finalizers ?? [];
    if (!finalizers.includes(RESTORE_FINALIZER)) return undefined;
    const target = await readTarget(restore);
    const holder = target?.cluster.metadata.annotations?.[RESTORE_IN_PROGRESS_ANNOTATION];
    const hold = holdOnFinish(restore, holder);
    const deleting = restore.metadata.deletionTimestamp !== undefined;
    if (hold === "keep" && !deleting) return undefined;
    if (hold === "release" && target && !(await release(restore, target))) {
      return { requeueAfterMs: CONFLICT_REQUEUE_MS };
    }
    try {
      await api.setRestoreFinalizers(
        raw,
        finalizers.filter((finalizer) => finalizer !== RESTORE_FINALIZER),
      );
    } catch (error) {
      if (!isConflict(error)) throw error;
      return { requeueAfterMs: CONFLICT_REQUEUE_MS };
    }
    if (hold === "keep" && target) {
      const event = heldOnDeleteEvent(restore);
      await recordRestoreEvent(context, restore, event);
      const { apiVersion, kind, metadata } = target.cluster;
      const { name, namespace, uid, resourceVersion } = metadata;
      const cluster = { apiVersion, kind, name, namespace, uid, resourceVersion };
      await api.recordEvent(cluster, event, context.now()).catch((error: unknown) => {
        context.log.warn({ err: error, reason: event.reason }, "could not record event");
      });
    }
    return undefined;
  }

  async function start(raw: RawObject, restore: MySQLRestore) {
    const now = context.now();
    const lookup = await lookUpSource(api, restore);
    if (lookup.kind === "fail") return fail(raw, restore, lookup.error);
    if (lookup.kind === "wait") {
      const waiting = pendingStatus(restore, RestoreReason.WaitingForBackup, lookup.message, now);
      return write(raw, restore, waiting, WAIT_POLL_MS);
    }
    const namespace = restore.metadata.namespace ?? "";
    const target = await readTarget(restore);
    const others = await otherRestores(namespace);
    const refusal = refuseTarget(restore, target?.cluster, lookup.engine, others);
    if (refusal) return fail(raw, restore, refusal);
    const progress = { bytesTotal: lookup.source.sizeBytes, bytesApplied: 0 };
    const name = targetName(restore);
    if (restore.spec.target.newCluster) {
      if (!(await hasFinalizer(raw, restore))) return { requeueAfterMs: CONFLICT_REQUEUE_MS };
      if (!target) await api.createCluster(newClusterObject(restore));
      const message = `Created MySQLCluster ${name} (labelled with this restore); waiting for its primary to be Ready.`;
      return write(
        raw,
        restore,
        runningStatus(restore, RestoreReason.CreatingCluster, message, { progress }, now),
      );
    }
    if (!target) return { requeueAfterMs: CONFLICT_REQUEUE_MS };
    const holder = target.cluster.metadata.annotations?.[RESTORE_IN_PROGRESS_ANNOTATION];
    if (!targetAcceptsRestore(target.cluster, holder !== undefined)) {
      const message = `spec.target.clusterName: MySQLCluster ${name} is ${target.cluster.status?.phase ?? "not Ready"}; the restore starts when it is Ready`;
      const waiting = pendingStatus(restore, RestoreReason.WaitingForCluster, message, now);
      return write(raw, restore, waiting, WAIT_POLL_MS);
    }
    if (!(await hasFinalizer(raw, restore))) return { requeueAfterMs: CONFLICT_REQUEUE_MS };
    if (holder !== restore.metadata.name) {
      try {
        await api.setRestoreAnnotation(target.raw, restore.metadata.name);
      } catch (error) {
        if (!isConflict(error)) throw error;
        return { requeueAfterMs: CONFLICT_REQUEUE_MS };
      }
    }
    const message = `Marked MySQLCluster ${name} busy (${RESTORE_IN_PROGRESS_ANNOTATION}); stopping writes on its primary.`;
    return write(
      raw,
      restore,
      runningStatus(restore, RestoreReason.StoppingWrites, message, { progress }, now),
    );
  }

  /** Removes the annotation when it names this restore; false when a 409 asks for a retry. */
  async function release(restore: MySQLRestore, target: { raw: RawObject; cluster: MySQLCluster }) {
    const holder = target.cluster.metadata.annotations?.[RESTORE_IN_PROGRESS_ANNOTATION];
    if (holder !== restore.metadata.name) return true;
    try {
      await api.setRestoreAnnotation(target.raw, null);
      return true;
    } catch (error) {
      if (!isConflict(error)) throw error;
      return false;
    }
  }

  async function launch(
    raw: RawObject,
    restore: MySQLRestore,
    target: { raw: RawObject; cluster: MySQLCluster },
  ) {
    const { cluster } = target;
    const name = cluster.metadata.name;
    const lookup = await lookUpSource(api, restore);
    if (lookup.kind !== "ok") {
      const error =
        lookup.kind === "fail"
          ? lookup.error
          : { code: "BackupNotSucceeded", message: lookup.message };
      if (!(await release(restore, target))) return { requeueAfterMs: CONFLICT_REQUEUE_MS };
      return fail(raw, restore, error);
    }
    const now = context.now();
    const jobName = restoreJobName(restore.metadata.name);
    const namespace = restore.metadata.namespace ?? "";
    const writesRecorded = findCondition(restore.status?.conditions, WRITES_STOPPED_CONDITION);
    if (!writesRecorded && !(await api.getJob(namespace, jobName))) {
      // First step, recorded on its own: once writes are stopped the cluster may stop being
      // Ready (a read-only primary), which must not hold the restore back afterwards.
      const held = cluster.metadata.annotations?.[RESTORE_IN_PROGRESS_ANNOTATION] !== undefined;
      if (!targetAcceptsRestore(cluster, held)) {
        return { requeueAfterMs: WAIT_POLL_MS };
      }
      return write(raw, restore, await stopWrites(restore, cluster, now));
    }
    const created = await api.createJob(restoreJob(restore, cluster, lookup.source, context.job));
    context.log.info(
      { namespace, restore: restore.metadata.name, jobName, created },
      "restore Job",
    );
    const message = `Job ${jobName} applies MySQLBackup ${restore.spec.backupName} to the primary of MySQLCluster ${name}.`;
    const next = runningStatus(restore, RestoreReason.Restoring, message, { jobName }, now);
    return write(raw, restore, next);
  }

  /** Stops client writes on the primary (when database checks are on); the status saying so. */
  async function stopWrites(restore: MySQLRestore, cluster: MySQLCluster, now: Date) {
    const name = cluster.metadata.name;
    if (!context.databaseChecks) {
      return writesStatus(
        restore,
        "Unknown",
        RestoreReason.NotChecked,
        "Database checks are disabled (PILOTHOUSE_OPERATOR_DATABASE_CHECKS): writes were not stopped.",
        now,
      );
    }
    const primary = await context.writes.run(cluster, stopWritesStatements(cluster.spec.engine));
    return writesStatus(
      restore,
      "True",
      RestoreReason.WritesStoppedForRestore,
      `${primary} of MySQLCluster ${name} is read-only for clients while the restore runs.`,
      now,
    );
  }

  async function follow(raw: RawObject, restore: MySQLRestore) {
    const namespace = restore.metadata.namespace ?? "";
    const target = await readTarget(restore);
    if (!target) {
      return fail(raw, restore, {
        code: "ClusterNotFound",
        message: `MySQLCluster ${targetName(restore)} disappeared (or became invalid) during the restore`,
      });
    }
    const jobName = restore.status?.jobName;
    if (!jobName) return launch(raw, restore, target);
    const job = await api.getJob(namespace, jobName);
    const outcome = job
      ? jobOutcome(job)
      : { state: "failed" as const, reason: "JobNotFound", message: "the Job disappeared" };
    if (outcome.state === "running") return { requeueAfterMs: RUNNING_POLL_MS };
    const report = job ? restoreReport(await api.listJobPods(namespace, jobName)) : undefined;
    const verdict = judgeRestoreJob(jobName, outcome, report);
    const { cluster } = target;
    const reopen = verdict.ok || verdict.dataUntouched;
    const now = context.now();
    let after = restore;
    if (context.databaseChecks && reopen) {
      const primary = await context.writes.run(cluster, allowWritesStatements(cluster.spec.engine));
      const why = verdict.ok
        ? "the restore finished"
        : "the restore failed before changing any data";
      const message = `${primary} of MySQLCluster ${cluster.metadata.name} takes writes again: ${why}.`;
      after = {
        ...restore,
        status: writesStatus(restore, "False", RestoreReason.WritesReopened, message, now),
      };
    } else if (!reopen) {
      // The hold stays: the annotation keeps naming this run (see hold.ts).
      const checked = context.databaseChecks ? "True" : "Unknown";
      const message = partialDataMessage(restore, context.databaseChecks);
      after = {
        ...restore,
        status: writesStatus(restore, checked, RestoreReason.DataMayBePartial, message, now),
      };
    }
    if (reopen && !(await release(restore, target))) {
      return { requeueAfterMs: CONFLICT_REQUEUE_MS };
    }
    if (verdict.ok) return write(raw, restore, succeededStatus(after, verdict.bytesApplied, now));
    const state = verdict.dataUntouched
      ? "No data was changed."
      : `The data may be partly restored: MySQLCluster ${cluster.metadata.name} stays read-only (${RESTORE_IN_PROGRESS_ANNOTATION}=${restore.metadata.name}) until a new MySQLRestore into it succeeds or the annotation is removed deliberately.`;
    const error = { ...verdict.error, message: `${verdict.error.message}. ${state}` };
    return write(raw, restore, failedStatus(after, error, now));
  }

  return async (key): Promise<ReconcileResult | undefined> => {
    const { namespace, name } = parseObjectKey(key);
    if (!namespace) return undefined;
    const raw = await api.getRestore(namespace, name);
    if (!raw) return undefined;
    const parsed = MySQLRestoreSchema.safeParse(raw);
    if (!parsed.success) {
      context.log.error(
        { key, issues: parsed.error.issues },
        "MySQLRestore does not match its schema",
      );
      return undefined;
    }
    const restore = parsed.data;
    if (restore.metadata.labels?.[OPERATOR_SHARD_LABEL] !== options.shard) return undefined;
    if (isFinishedPhase(restore.status?.phase) || restore.metadata.deletionTimestamp) {
      return finalize(raw, restore);
    }
    if (restore.metadata.annotations?.[RECONCILE_ANNOTATION] === "paused") {
      return write(raw, restore, pausedStatus(restore, true, context.now()));
    }
    if (isConditionTrue(restore.status?.conditions, ConditionType.Paused)) {
      const resumed = pausedStatus(restore, false, context.now());
      return (await write(raw, restore, resumed)) ?? { requeueAfterMs: CONFLICT_REQUEUE_MS };
    }
    if (restore.status?.phase === "Running") return follow(raw, restore);
    return start(raw, restore);
  };
}
