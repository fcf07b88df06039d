import "server-only";
import { BatchV1Api } from "@kubernetes/client-node";
import { MYSQL_API_VERSION, MYSQL_GROUP, MYSQL_VERSION } from "@/lib/crds/mysql-cluster";
import { MySQLRestoreNames } from "@/lib/crds/mysql-restore";
import type { InstanceAddress } from "@/server/mysql";
import type { OperatorMetrics } from "../metrics/registry";
import type { BackupJobOptions } from "../mysql-backup/resources";
import { resolverWithOverrides } from "../mysql-cluster/addresses";
import { shardSelector } from "../mysql-cluster/names";
import { Controller } from "../runtime/controller";
import {
  customObjectInformer,
  labelledInformer,
  observedBy,
  queueOnEvent,
  startControllers,
  type ControllerProcessOptions,
  type RunningControllers,
} from "../runtime/controller-setup";
import { WorkQueue } from "../runtime/work-queue";
import { controllerOwnerKey } from "../runtime/watched-object";
import { kubeRestoreApi } from "./api";
import { mysqlRestoreReconciler } from "./controller";
import { serverPrimaryWrites } from "./database";
import { prometheusRestoreMetrics } from "./metrics";
import { RESTORE_JOB_SELECTOR } from "./names";

export interface MySQLRestoreControllerOptions extends ControllerProcessOptions {
  /** This process's name in Events. */
  instanceName: string;
  /** False: no SQL is issued (simulated nodes only). */
  databaseChecks: boolean;
  /** Server addresses of some pods (`namespace/pod`); the headless Service names otherwise. */
  instanceAddresses: ReadonlyMap<string, InstanceAddress>;
  /** Restore Jobs run like backup Jobs: the operator's image, its workdir, the deadline (s). */
  backupJob: BackupJobOptions;
  metrics?: OperatorMetrics;
}

/** A running MySQLRestore controller. */
export type RunningRestoreController = RunningControllers;

/**
 * Starts the MySQLRestore controller: informers on MySQLRestores (this shard's) and on restore
 * Jobs (by label), feeding one work queue keyed by restore, with a periodic resync. Waiting for a
 * backup or a cluster is polled by the reconcile itself (requeueAfter).
 */
export function startMySQLRestoreController(
  options: MySQLRestoreControllerOptions,
): RunningRestoreController {
  const { kubeConfig, logger, metrics } = options;
  const batch = kubeConfig.makeApiClient(BatchV1Api);
  const restores = customObjectInformer(options, {
    group: MYSQL_GROUP,
    version: MYSQL_VERSION,
    plural: MySQLRestoreNames.plural,
    labelSelector: shardSelector(options.shard),
  });
  const jobs = labelledInformer(options, {
    name: "restore-jobs",
    path: "/apis/batch/v1/jobs",
    labelSelector: RESTORE_JOB_SELECTOR,
    list: (query) => batch.listJobForAllNamespaces(query),
  });
  const queue = new WorkQueue();
  const owner = { apiVersion: MYSQL_API_VERSION, kind: MySQLRestoreNames.kind };
  queueOnEvent(restores, queue);
  queueOnEvent(jobs, queue, (job) => controllerOwnerKey(job, owner));

  const api = kubeRestoreApi(kubeConfig, options.instanceName);
  const controller = new Controller({
    name: "mysqlrestore",
    queue,
    workers: options.workers,
    logger,
    ...observedBy(metrics, "mysqlrestore"),
    reconcile: mysqlRestoreReconciler({
      api,
      writes: serverPrimaryWrites(api, resolverWithOverrides(options.instanceAddresses), logger),
      job: options.backupJob,
      databaseChecks: options.databaseChecks,
      logger,
      shard: options.shard,
      ...(metrics ? { metrics: prometheusRestoreMetrics(metrics.registry) } : {}),
    }),
  });
  return startControllers({
    informers: [restores, jobs],
    controllers: [controller],
    resyncSeconds: options.resyncSeconds,
    resync: [{ informer: restores, queue }],
  });
}
