import "server-only";
import { BatchV1Api } from "@kubernetes/client-node";
import { BACKUP_LABEL, MySQLBackupNames } from "@/lib/crds/mysql-backup";
import {
  MYSQL_API_VERSION,
  MYSQL_GROUP,
  MYSQL_VERSION,
  MySQLClusterNames,
} from "@/lib/crds/mysql-cluster";
import { Controller } from "../runtime/controller";
import {
  customObjectInformer,
  labelledInformer,
  queueOnEvent,
  startControllers,
  type ControllerProcessOptions,
  type RunningControllers,
} from "../runtime/controller-setup";
import { WorkQueue } from "../runtime/work-queue";
import { controllerOwnerKey, objectKey } from "../runtime/watched-object";
import { shardSelector } from "../mysql-cluster/names";
import { kubeBackupApi } from "./api";
import { mysqlBackupReconciler } from "./controller";
import { BACKUP_JOB_SELECTOR } from "./names";
import { s3ObjectStore } from "./object-store";
import type { BackupJobOptions } from "./resources";
import { backupScheduleReconciler } from "./schedule-controller";

/** `resyncSeconds`: every backup and every cluster's schedules are reconciled this often. */
export interface MySQLBackupControllerOptions extends ControllerProcessOptions {
  /** This process's name in Events. */
  instanceName: string;
  backupJob: BackupJobOptions;
}

/** A running controller pair. */
export type RunningBackupControllers = RunningControllers;

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
  const batch = kubeConfig.makeApiClient(BatchV1Api);
  const labelSelector = shardSelector(options.shard);
  const mysqlInformer = (plural: string) =>
    customObjectInformer(options, {
      group: MYSQL_GROUP,
      version: MYSQL_VERSION,
      plural,
      labelSelector,
    });
  const backups = mysqlInformer(MySQLBackupNames.plural);
  const clusters = mysqlInformer(MySQLClusterNames.plural);
  const jobs = labelledInformer(options, {
    name: "backup-jobs",
    path: "/apis/batch/v1/jobs",
    labelSelector: BACKUP_JOB_SELECTOR,
    list: (query) => batch.listJobForAllNamespaces(query),
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
  queueOnEvent(jobs, backupQueue, (job) => controllerOwnerKey(job, owner));
  queueOnEvent(clusters, scheduleQueue);

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
  return startControllers({
    informers: [backups, clusters, jobs],
    controllers,
    resyncSeconds: options.resyncSeconds,
    resync: [
      { informer: backups, queue: backupQueue },
      { informer: clusters, queue: scheduleQueue },
    ],
  });
}
