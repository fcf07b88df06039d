import "server-only";
import { AppsV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { z } from "zod";
import { MySQLBackupNames } from "@/lib/crds/mysql-backup";
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
import { controllerOwnerKey, objectKey, type WatchedObject } from "../runtime/watched-object";
import type { InstanceAddress } from "@/server/mysql";
import type { OperatorMetrics } from "../metrics/registry";
import { resolverWithOverrides } from "./addresses";
import { kubeClusterApi } from "./api";
import { noClusterMetrics, prometheusClusterMetrics } from "./metrics";
import { mysqlClusterReconciler } from "./controller";
import { LABEL, MANAGED_SELECTOR, shardSelector } from "./names";

const ListSchema = z.object({
  items: z.array(z.unknown()),
  metadata: z.object({ resourceVersion: z.string().optional() }).optional(),
});

export interface MySQLClusterControllerOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  workers: number;
  /** Every cluster is reconciled at least this often, in seconds. */
  resyncSeconds: number;
  /** This process's name in Events. */
  instanceName: string;
  /** The shard this operator serves (see OPERATOR_SHARD_LABEL); undefined = unlabelled clusters. */
  shard: string | undefined;
  /** How often each running cluster's servers are probed, in seconds. */
  probeSeconds: number;
  /** False: servers are never probed or managed (simulated nodes only). Default true. */
  databaseChecks?: boolean;
  /** Server addresses of some pods (`namespace/pod`); the headless Service names otherwise. */
  instanceAddresses: ReadonlyMap<string, InstanceAddress>;
  /** Where reconcile and cluster metrics go; none when undefined. */
  metrics?: OperatorMetrics;
}

/** A running MySQLCluster controller. */
export interface RunningController {
  /** Resolves once every informer has listed once. */
  waitForSync(): Promise<void>;
  stop(): Promise<void>;
}

/** The MySQLCluster a pod belongs to: its `app.kubernetes.io/instance` label. */
function podOwnerKey(pod: WatchedObject): string | undefined {
  const instance = pod.metadata.labels?.[LABEL.instance];
  return instance
    ? objectKey({ metadata: { name: instance, namespace: pod.metadata.namespace } })
    : undefined;
}

/**
 * Starts the MySQLCluster controller: informers on MySQLClusters and MySQLBackups (this shard's,
 * all namespaces) and on the StatefulSets and pods the operator manages (by label), all feeding
 * one work queue keyed by
 * cluster, reconciled by `workers` loops, with a periodic resync of every cluster.
 */
export function startMySQLClusterController(
  options: MySQLClusterControllerOptions,
): RunningController {
  const { kubeConfig, logger, metrics } = options;
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const queue = new WorkQueue();
  const clusterSelector = shardSelector(options.shard);

  const customInformer = (plural: string, name: string) =>
    new Informer({
      name,
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
              labelSelector: clusterSelector,
            }),
          ),
        clusterSelector,
      ),
    });
  const clusters = customInformer(MySQLClusterNames.plural, MySQLClusterNames.plural);
  // Backups change a cluster's backup health, a waiting stop and a BackupThenDelete deletion.
  const backups = customInformer(MySQLBackupNames.plural, "cluster-mysqlbackups");
  const statefulSets = new Informer({
    name: "statefulsets",
    logger,
    source: kubeListWatch(
      kubeConfig,
      "/apis/apps/v1/statefulsets",
      () => apps.listStatefulSetForAllNamespaces({ labelSelector: MANAGED_SELECTOR }),
      MANAGED_SELECTOR,
    ),
  });
  const pods = new Informer({
    name: "pods",
    logger,
    source: kubeListWatch(
      kubeConfig,
      "/api/v1/pods",
      () => core.listPodForAllNamespaces({ labelSelector: MANAGED_SELECTOR }),
      MANAGED_SELECTOR,
    ),
  });

  const owner = { apiVersion: MYSQL_API_VERSION, kind: MySQLClusterNames.kind };
  // Status-only changes (the operator's own writes, every probe interval) are not queued: they
  // would start the next reconcile at once and turn the probe interval into a busy loop.
  const seen = new Map<string, string>();
  clusters.onEvent((event, cluster) => {
    const key = objectKey(cluster);
    const { generation, labels, annotations, deletionTimestamp } = cluster.metadata;
    const fingerprint = JSON.stringify([generation, labels, annotations, deletionTimestamp]);
    if (event === "delete") seen.delete(key);
    else if (event === "update" && seen.get(key) === fingerprint) return;
    else seen.set(key, fingerprint);
    queue.add(key);
  });
  statefulSets.onEvent((_, statefulSet) => {
    const key = controllerOwnerKey(statefulSet, owner);
    if (key) queue.add(key);
  });
  // The cache keeps metadata only, not spec.clusterName: a backup event queues every cluster of
  // its namespace (backups change a few times per run; the reconcile reads them fresh).
  backups.onEvent((_, backup) => {
    for (const cluster of clusters.list()) {
      if (cluster.metadata.namespace === backup.metadata.namespace) queue.add(objectKey(cluster));
    }
  });
  pods.onEvent((_, pod) => {
    const key = podOwnerKey(pod);
    if (key) queue.add(key);
  });

  const controller = new Controller({
    name: "mysqlcluster",
    queue,
    workers: options.workers,
    logger,
    ...(metrics
      ? {
          observe: (seconds: number, failed: boolean) =>
            metrics.observeReconcile("mysqlcluster", seconds, failed),
        }
      : {}),
    reconcile: mysqlClusterReconciler({
      api: kubeClusterApi(kubeConfig, { instance: options.instanceName }),
      logger,
      shard: options.shard,
      resolveAddress: resolverWithOverrides(options.instanceAddresses),
      probeIntervalMs: options.probeSeconds * 1000,
      databaseChecks: options.databaseChecks ?? true,
      reapplyIntervalMs: options.resyncSeconds * 1000,
      metrics: metrics ? prometheusClusterMetrics(metrics.registry) : noClusterMetrics,
    }),
  });
  const informers = [clusters, statefulSets, pods, backups];
  for (const informer of informers) informer.start();
  controller.start();
  const resync = setInterval(() => {
    for (const cluster of clusters.list()) queue.add(objectKey(cluster));
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
