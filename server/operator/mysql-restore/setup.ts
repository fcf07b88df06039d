import "server-only";
import { BatchV1Api, CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { z } from "zod";
import { MYSQL_API_VERSION, MYSQL_GROUP, MYSQL_VERSION } from "@/lib/crds/mysql-cluster";
import { MySQLRestoreNames } from "@/lib/crds/mysql-restore";
import type { InstanceAddress } from "@/server/mysql";
import type { OperatorMetrics } from "../metrics/registry";
import type { BackupJobOptions } from "../mysql-backup/resources";
import { resolverWithOverrides } from "../mysql-cluster/addresses";
import { shardSelector } from "../mysql-cluster/names";
import { Controller } from "../runtime/controller";
import { Informer } from "../runtime/informer";
import { kubeListWatch } from "../runtime/kube-list-watch";
import { WorkQueue } from "../runtime/work-queue";
import { controllerOwnerKey, objectKey } from "../runtime/watched-object";
import { kubeRestoreApi } from "./api";
import { mysqlRestoreReconciler } from "./controller";
import { serverPrimaryWrites } from "./database";
import { prometheusRestoreMetrics } from "./metrics";
import { RESTORE_JOB_SELECTOR } from "./names";

const ListSchema = z.object({
  items: z.array(z.unknown()),
  metadata: z.object({ resourceVersion: z.string().optional() }).optional(),
});

export interface MySQLRestoreControllerOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  workers: number;
  /** Every restore is reconciled at least this often (s). */
  resyncSeconds: number;
  /** This process's name in Events. */
  instanceName: string;
  /** The shard this operator serves; undefined = unlabelled objects. */
  shard: string | undefined;
  /** False: no SQL is issued (simulated nodes only). */
  databaseChecks: boolean;
  /** Server addresses of some pods (`namespace/pod`); the headless Service names otherwise. */
  instanceAddresses: ReadonlyMap<string, InstanceAddress>;
  /** Restore Jobs run like backup Jobs: the operator's image, its workdir, the deadline (s). */
  backupJob: BackupJobOptions;
  metrics?: OperatorMetrics;
}

/** A running MySQLRestore controller. */
export interface RunningRestoreController {
  waitForSync(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the MySQLRestore controller: informers on MySQLRestores (this shard's) and on restore
 * Jobs (by label), feeding one work queue keyed by restore, with a periodic resync. Waiting for a
 * backup or a cluster is polled by the reconcile itself (requeueAfter).
 */
export function startMySQLRestoreController(
  options: MySQLRestoreControllerOptions,
): RunningRestoreController {
  const { kubeConfig, logger, metrics } = options;
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const batch = kubeConfig.makeApiClient(BatchV1Api);
  const selector = shardSelector(options.shard);
  const restores = new Informer({
    name: MySQLRestoreNames.plural,
    logger,
    source: kubeListWatch(
      kubeConfig,
      `/apis/${MYSQL_GROUP}/${MYSQL_VERSION}/${MySQLRestoreNames.plural}`,
      async () =>
        ListSchema.parse(
          await custom.listClusterCustomObject({
            group: MYSQL_GROUP,
            version: MYSQL_VERSION,
            plural: MySQLRestoreNames.plural,
            labelSelector: selector,
          }),
        ),
      selector,
    ),
  });
  const jobs = new Informer({
    name: "restore-jobs",
    logger,
    source: kubeListWatch(
      kubeConfig,
      "/apis/batch/v1/jobs",
      () => batch.listJobForAllNamespaces({ labelSelector: RESTORE_JOB_SELECTOR }),
      RESTORE_JOB_SELECTOR,
    ),
  });
  const queue = new WorkQueue();
  const owner = { apiVersion: MYSQL_API_VERSION, kind: MySQLRestoreNames.kind };
  restores.onEvent((_, restore) => queue.add(objectKey(restore)));
  jobs.onEvent((_, job) => {
    const key = controllerOwnerKey(job, owner);
    if (key) queue.add(key);
  });

  const api = kubeRestoreApi(kubeConfig, options.instanceName);
  const controller = new Controller({
    name: "mysqlrestore",
    queue,
    workers: options.workers,
    logger,
    ...(metrics
      ? {
          observe: (seconds: number, failed: boolean) =>
            metrics.observeReconcile("mysqlrestore", seconds, failed),
        }
      : {}),
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
  const informers = [restores, jobs];
  for (const informer of informers) informer.start();
  controller.start();
  const resync = setInterval(() => {
    for (const restore of restores.list()) queue.add(objectKey(restore));
  }, options.resyncSeconds * 1_000);

  return {
    async waitForSync() {
      await Promise.all(informers.map((informer) => informer.waitForSync()));
    },
    async stop() {
      clearInterval(resync);
      await Promise.all(informers.map((informer) => informer.stop()));
      await controller.stop();
    },
  };
}
