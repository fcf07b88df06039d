import "server-only";
import { AppsV1Api, CoreV1Api } from "@kubernetes/client-node";
import { MySQLBackupNames } from "@/lib/crds/mysql-backup";
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
  observedBy,
  queueOnEvent,
  startControllers,
  type ControllerProcessOptions,
  type RunningControllers,
} from "../runtime/controller-setup";
import { WorkQueue } from "../runtime/work-queue";
import { controllerOwnerKey, objectKey, type WatchedObject } from "../runtime/watched-object";
import type { InstanceAddress } from "@/server/mysql";
import type { OperatorMetrics } from "../metrics/registry";
import { resolverWithOverrides } from "./addresses";
import { kubeClusterApi } from "./api";
import { noClusterMetrics, prometheusClusterMetrics } from "./metrics";
import { mysqlClusterReconciler } from "./controller";
import { LABEL, MANAGED_SELECTOR, shardSelector } from "./names";

export interface MySQLClusterControllerOptions extends ControllerProcessOptions {
  /** This process's name in Events. */
  instanceName: string;
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
export type RunningController = RunningControllers;

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
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const queue = new WorkQueue();
  const labelSelector = shardSelector(options.shard);

  const mysqlInformer = (plural: string, name: string) =>
    customObjectInformer(options, {
      group: MYSQL_GROUP,
      version: MYSQL_VERSION,
      plural,
      labelSelector,
      name,
    });
  const clusters = mysqlInformer(MySQLClusterNames.plural, MySQLClusterNames.plural);
  // Backups change a cluster's backup health, a waiting stop and a BackupThenDelete deletion.
  const backups = mysqlInformer(MySQLBackupNames.plural, "cluster-mysqlbackups");
  const statefulSets = labelledInformer(options, {
    name: "statefulsets",
    path: "/apis/apps/v1/statefulsets",
    labelSelector: MANAGED_SELECTOR,
    list: (query) => apps.listStatefulSetForAllNamespaces(query),
  });
  const pods = labelledInformer(options, {
    name: "pods",
    path: "/api/v1/pods",
    labelSelector: MANAGED_SELECTOR,
    list: (query) => core.listPodForAllNamespaces(query),
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
  queueOnEvent(statefulSets, queue, (statefulSet) => controllerOwnerKey(statefulSet, owner));
  // The cache keeps metadata only, not spec.clusterName: a backup event queues every cluster of
  // its namespace (backups change a few times per run; the reconcile reads them fresh).
  backups.onEvent((_, backup) => {
    for (const cluster of clusters.list()) {
      if (cluster.metadata.namespace === backup.metadata.namespace) queue.add(objectKey(cluster));
    }
  });
  queueOnEvent(pods, queue, podOwnerKey);

  const controller = new Controller({
    name: "mysqlcluster",
    queue,
    workers: options.workers,
    logger,
    ...observedBy(metrics, "mysqlcluster"),
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
  return startControllers({
    informers: [clusters, statefulSets, pods, backups],
    controllers: [controller],
    resyncSeconds: options.resyncSeconds,
    resync: [{ informer: clusters, queue }],
  });
}
