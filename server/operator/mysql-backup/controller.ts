import "server-only";
import type { Logger } from "pino";
import { OPERATOR_SHARD_LABEL, RECONCILE_ANNOTATION, ConditionType } from "@/lib/crds/common";
import {
  BACKUP_OBJECT_FINALIZER,
  MySQLBackupSchema,
  isFinishedPhase,
  type MySQLBackup,
  type OperationError,
} from "@/lib/crds/mysql-backup";
import { BackupError } from "@/server/backup/errors";
import { backupLocation } from "@/server/backup/storage";
import type { ReconcileResult, Reconciler } from "../runtime/controller";
import { isConflict } from "../runtime/kube-api-error";
import { isConditionTrue } from "../runtime/conditions";
import { parseObjectKey } from "../runtime/watched-object";
import type { BackupApi, RawObject } from "./api";
import {
  CONFLICT_REQUEUE_MS,
  lookUpStorage,
  writeBackupStatus,
  type BackupContext,
} from "./context";
import { finalizeBackup } from "./finalizer";
import { jobOutcome, terminationReport } from "./job-result";
import { backupJobName, backupObjectName } from "./names";
import type { BackupObjectStore } from "./object-store";
import { backupJob, type BackupJobOptions } from "./resources";
import { failedStatus, pausedStatus, runningStatus, succeededStatus } from "./status";
import { judgeFinishedRun } from "./verification";

export interface MySQLBackupReconcilerOptions {
  api: BackupApi;
  store: BackupObjectStore;
  job: BackupJobOptions;
  logger: Logger;
  /** The clock; tests pass a fixed one. */
  now?: () => Date;
  /** Only backups labelled with this shard are reconciled; undefined = unlabelled ones. */
  shard?: string;
}

/** How often a running Job is re-read besides its watch events, in ms. */
export const RUNNING_POLL_MS = 30_000;

/**
 * The MySQLBackup reconcile (STYLE.md rule 9): get (NotFound = done), shard and pause, the
 * finalizer on deletion, then the run's state machine —
 *
 *   (new) ──cluster, storage, Secrets ok──> add finalizer ──> create Job ──> Running
 *   Running ──Job finished──> verify the stored object in the operator ──> Succeeded | Failed
 *
 * A finished run's status is never rewritten. Anything a retry cannot fix (no cluster, no
 * storage, no credentials, Job failed, nothing verifiable in storage) ends `Failed` with a
 * stable error code and message; API errors are thrown for a retry with backoff.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/
 */
export function mysqlBackupReconciler(options: MySQLBackupReconcilerOptions): Reconciler {
  const context: BackupContext = {
    api: options.api,
    store: options.store,
    job: options.job,
    log: options.logger.child({ module: "mysql-backup" }),
    now: options.now ?? (() => new Date()),
  };
  const fail = (raw: RawObject, backup: MySQLBackup, error: OperationError) =>
    writeBackupStatus(context, raw, backup, failedStatus(backup, error, context.now()));

  async function start(raw: RawObject, backup: MySQLBackup): Promise<ReconcileResult | undefined> {
    const lookup = await lookUpStorage(context, backup);
    if (!lookup.ok) return fail(raw, backup, lookup.error);
    const { cluster, spec, storage } = lookup;
    if (cluster.spec.stopped) {
      return fail(raw, backup, {
        code: "ClusterStopped",
        message: `MySQLCluster ${cluster.metadata.name} is stopped (spec.stopped: true): start it, then create a new MySQLBackup`,
      });
    }
    const finalizers = backup.metadata.finalizers ?? [];
    if (!finalizers.includes(BACKUP_OBJECT_FINALIZER)) {
      try {
        await context.api.setBackupFinalizers(raw, [...finalizers, BACKUP_OBJECT_FINALIZER]);
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
      return { requeueAfterMs: CONFLICT_REQUEUE_MS };
    }
    const namespace = backup.metadata.namespace ?? "";
    let location;
    try {
      location = backupLocation(
        storage,
        backupObjectName(namespace, cluster.metadata.name, backup.metadata.name),
      );
    } catch (error) {
      if (!(error instanceof BackupError)) throw error;
      return fail(raw, backup, { code: error.code, message: error.message });
    }
    const job = backupJob(backup, cluster, spec, context.job, storage.caBundle);
    const created = await context.api.createJob(job);
    const jobName = job.metadata?.name ?? backupJobName(backup.metadata.name);
    context.log.info(
      { namespace, backup: backup.metadata.name, job: jobName, created },
      "backup Job",
    );
    const { url, bucket, key } = location;
    return writeBackupStatus(
      context,
      raw,
      backup,
      runningStatus(backup, { jobName, location: { bucket, key, url } }, context.now()),
    );
  }

  async function follow(raw: RawObject, backup: MySQLBackup): Promise<ReconcileResult | undefined> {
    const namespace = backup.metadata.namespace ?? "";
    const jobName = backup.status?.jobName ?? backupJobName(backup.metadata.name);
    const location = backup.status?.location;
    const job = await context.api.getJob(namespace, jobName);
    if (!job || !location) {
      return fail(raw, backup, {
        code: "JobNotFound",
        message: `Job ${jobName} disappeared before the backup finished`,
      });
    }
    const outcome = jobOutcome(job);
    if (outcome.state === "running") return { requeueAfterMs: RUNNING_POLL_MS };
    const lookup = await lookUpStorage(context, backup);
    if (!lookup.ok) return fail(raw, backup, lookup.error);
    const verdict = await judgeFinishedRun({
      jobName,
      outcome,
      report: terminationReport(await context.api.listJobPods(namespace, jobName)),
      storage: lookup.storage,
      objectName: backupObjectName(namespace, backup.spec.clusterName, backup.metadata.name),
      location,
      createdAt: new Date(backup.metadata.creationTimestamp ?? 0),
      store: context.store,
    });
    if (!verdict.ok) return fail(raw, backup, verdict.error);
    return writeBackupStatus(
      context,
      raw,
      backup,
      succeededStatus(backup, verdict.verified, context.now()),
    );
  }

  return async (key) => {
    const { namespace, name } = parseObjectKey(key);
    if (!namespace) return undefined;
    const raw = await context.api.getBackup(namespace, name);
    if (!raw) return undefined;
    const parsed = MySQLBackupSchema.safeParse(raw);
    if (!parsed.success) {
      context.log.error(
        { key, issues: parsed.error.issues },
        "MySQLBackup does not match its schema",
      );
      return undefined;
    }
    const backup = parsed.data;
    if (backup.metadata.labels?.[OPERATOR_SHARD_LABEL] !== options.shard) return undefined;
    const paused = backup.metadata.annotations?.[RECONCILE_ANNOTATION] === "paused";
    const finished = isFinishedPhase(backup.status?.phase);
    if (paused) {
      // A finished run's record is not touched, not even by a Paused condition.
      if (finished) return undefined;
      return writeBackupStatus(context, raw, backup, pausedStatus(backup, true, context.now()));
    }
    if (!finished && isConditionTrue(backup.status?.conditions, ConditionType.Paused)) {
      const resumed = pausedStatus(backup, false, context.now());
      return (
        (await writeBackupStatus(context, raw, backup, resumed)) ?? {
          requeueAfterMs: CONFLICT_REQUEUE_MS,
        }
      );
    }
    if (backup.metadata.deletionTimestamp) return finalizeBackup(context, raw, backup);
    if (finished) return undefined;
    if (backup.status?.phase === "Running") return follow(raw, backup);
    return start(raw, backup);
  };
}
