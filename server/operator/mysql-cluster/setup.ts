import "server-only";
import { AppsV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { z } from "zod";
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
import { kubeClusterApi } from "./api";
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
 * Starts the MySQLCluster controller: informers on MySQLClusters (all namespaces) and on the
 * StatefulSets and pods the operator manages (by label), all feeding one work queue keyed by
 * cluster, reconciled by `workers` loops, with a periodic resync of every cluster.
 */
export function startMySQLClusterController(
  options: MySQLClusterControllerOptions,
): RunningController {
  const { kubeConfig, logger } = options;
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const queue = new WorkQueue();
  const clusterSelector = shardSelector(options.shard);

  const clusters = new Informer({
    name: MySQLClusterNames.plural,
    logger,
    source: kubeListWatch(
      kubeConfig,
      `/apis/${MYSQL_GROUP}/${MYSQL_VERSION}/${MySQLClusterNames.plural}`,
      async () =>
        ListSchema.parse(
          await custom.listClusterCustomObject({
            group: MYSQL_GROUP,
            version: MYSQL_VERSION,
            plural: MySQLClusterNames.plural,
            labelSelector: clusterSelector,
          }),
        ),
      clusterSelector,
    ),
  });
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
  clusters.onEvent((_, cluster) => queue.add(objectKey(cluster)));
  statefulSets.onEvent((_, statefulSet) => {
    const key = controllerOwnerKey(statefulSet, owner);
    if (key) queue.add(key);
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
    reconcile: mysqlClusterReconciler({
      api: kubeClusterApi(kubeConfig, { instance: options.instanceName }),
      logger,
      shard: options.shard,
    }),
  });
  const informers = [clusters, statefulSets, pods];
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
