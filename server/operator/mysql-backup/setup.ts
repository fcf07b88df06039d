import "server-only";
import { BatchV1Api, CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { z } from "zod";
import { BACKUP_LABEL, MySQLBackupNames } from "@/lib/crds/mysql-backup";
import {
  MYSQL_API_VERSION,
  MYSQL_GROUP,
  MYSQL_VERSION,
  MySQLClusterNames,
} from "@/lib/crds/mysql-cluster";
import { Controller } from "../runtime/controller";
import { Informer } from "../runtime/informer";
import { kubeListWatch } from "../runtime/kube-list-watch";
import { WorkQueue } from "../runtime/work-queue";
import { controllerOwnerKey, objectKey } from "../runtime/watched-object";
import { shardSelector } from "../mysql-cluster/names";
import { kubeBackupApi } from "./api";
import { mysqlBackupReconciler } from "./controller";
import { BACKUP_JOB_SELECTOR } from "./names";
import { s3ObjectStore } from "./object-store";
import type { BackupJobOptions } from "./resources";
import { backupScheduleReconciler } from "./schedule-controller";

const ListSchema = z.object({
  items: z.array(z.unknown()),
  metadata: z.object({ resourceVersion: z.string().optional() }).optional(),
});

export interface MySQLBackupControllerOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  workers: number;
  /** Every backup and every cluster's schedules are reconciled at least this often (s). */
  resyncSeconds: number;
  /** This process's name in Events. */
  instanceName: string;
  /** The shard this operator serves; undefined = unlabelled objects. */
  shard: string | undefined;
  backupJob: BackupJobOptions;
}

/** A running controller pair. */
export interface RunningBackupControllers {
  waitForSync(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the MySQLBackup controller and the backup-schedule controller: informers on
 * MySQLBackups and MySQLClusters (this shard's) and on backup Jobs (by label). Backup and Job
 * events queue the backup; cluster events queue the cluster's schedules, and so does a change
 * of any scheduled run (so retention acts when a run finishes).
 */
export function startMySQLBackupControllers(
  options: MySQLBackupControllerOptions,
): RunningBackupControllers {
  const { kubeConfig, logger } = options;
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const batch = kubeConfig.makeApiClient(BatchV1Api);
  const selector = shardSelector(options.shard);
  const customInformer = (plural: string) =>
    new Informer({
      name: plural,
      logger,
      source: kubeListWatch(
        kubeConfig,
        `/apis/${MYSQL_GROUP}/${MYSQL_VERSION}/${plural}`,
        async () =>
          ListSchema.parse(
            await custom.listClusterCustomObject({
              group: MYSQL_GROUP,
              version: MYSQL_VERSION,
              plural,
              labelSelector: selector,
            }),
          ),
        selector,
      ),
    });
  const backups = customInformer(MySQLBackupNames.plural);
  const clusters = customInformer(MySQLClusterNames.plural);
  const jobs = new Informer({
    name: "backup-jobs",
    logger,
    source: kubeListWatch(
      kubeConfig,
      "/apis/batch/v1/jobs",
      () => batch.listJobForAllNamespaces({ labelSelector: BACKUP_JOB_SELECTOR }),
      BACKUP_JOB_SELECTOR,
    ),
  });

  const backupQueue = new WorkQueue();
  const scheduleQueue = new WorkQueue();
  const owner = { apiVersion: MYSQL_API_VERSION, kind: MySQLBackupNames.kind };
  backups.onEvent((_, backup) => {
    backupQueue.add(objectKey(backup));
    const cluster = backup.metadata.labels?.[BACKUP_LABEL.cluster];
    if (cluster) {
      scheduleQueue.add(
        objectKey({ metadata: { name: cluster, namespace: backup.metadata.namespace } }),
      );
    }
  });
  jobs.onEvent((_, job) => {
    const key = controllerOwnerKey(job, owner);
    if (key) backupQueue.add(key);
  });
  clusters.onEvent((_, cluster) => scheduleQueue.add(objectKey(cluster)));

  const api = kubeBackupApi(kubeConfig, options.instanceName);
  const controllers = [
    new Controller({
      name: "mysqlbackup",
      queue: backupQueue,
      workers: options.workers,
      logger,
      reconcile: mysqlBackupReconciler({
        api,
        store: s3ObjectStore(logger),
        job: options.backupJob,
        logger,
        shard: options.shard,
      }),
    }),
    new Controller({
      name: "mysqlbackup-schedules",
      queue: scheduleQueue,
      workers: 1,
      logger,
      reconcile: backupScheduleReconciler({ api, logger, shard: options.shard }),
    }),
  ];
  const informers = [backups, clusters, jobs];
  for (const informer of informers) informer.start();
  for (const controller of controllers) controller.start();
  const resync = setInterval(() => {
    for (const backup of backups.list()) backupQueue.add(objectKey(backup));
    for (const cluster of clusters.list()) scheduleQueue.add(objectKey(cluster));
  }, options.resyncSeconds * 1_000);

  return {
    async waitForSync() {
      await Promise.all(informers.map((informer) => informer.waitForSync()));
    },
    async stop() {
      clearInterval(resync);
      await Promise.all(informers.map((informer) => informer.stop()));
      await Promise.all(controllers.map((controller) => controller.stop()));
    },
  };
}
