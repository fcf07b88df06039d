import "server-only";
import { CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { z } from "zod";
import { KafkaClusterNames } from "@/lib/crds/kafka-cluster";
import { KAFKA_GROUP, KAFKA_VERSION } from "@/lib/crds/kafka-common";
import { shardSelector } from "../mysql-cluster/names";
import { Controller, type Reconciler } from "../runtime/controller";
import { Informer } from "../runtime/informer";
import { kubeListWatch } from "../runtime/kube-list-watch";
import { WorkQueue } from "../runtime/work-queue";
import { objectKey } from "../runtime/watched-object";
import type { MissingClusterWaiters } from "./cluster-waiters";

const ListSchema = z.object({
  items: z.array(z.unknown()),
  metadata: z.object({ resourceVersion: z.string().optional() }).optional(),
});

export interface KafkaObjectControllerOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  workers: number;
  /** Every object is reconciled at least this often (s). */
  resyncSeconds: number;
  /** The shard this operator serves; undefined = unlabelled objects. */
  shard: string | undefined;
  /**
   * False when no broker can exist behind the pods (`PILOTHOUSE_OPERATOR_DATABASE_CHECKS=disabled`,
   * simulated KWOK nodes): the Admin API is never called. Undefined = true.
   */
  databaseChecks?: boolean;
}

/** A running controller. */
export interface RunningKafkaController {
  waitForSync(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs `reconcile` for every object of one Kafka kind (`plural`) of this shard: an informer, a
 * work queue fed by its events and a periodic resync, and the controller's workers.
 */
export function startKafkaObjectController(
  options: KafkaObjectControllerOptions & {
    plural: string;
    name: string;
    reconcile: Reconciler;
    /** When set, a KafkaCluster informer queues the objects waiting for a cluster to appear. */
    clusterWaiters?: MissingClusterWaiters;
  },
): RunningKafkaController {
  const { kubeConfig, logger, plural, clusterWaiters } = options;
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const selector = shardSelector(options.shard);
  const informerOf = (kind: string) =>
    new Informer({
      name: kind,
      logger,
      source: kubeListWatch(
        kubeConfig,
        `/apis/${KAFKA_GROUP}/${KAFKA_VERSION}/${kind}`,
        async () =>
          ListSchema.parse(
            await custom.listClusterCustomObject({
              group: KAFKA_GROUP,
              version: KAFKA_VERSION,
              plural: kind,
              labelSelector: selector,
            }),
          ),
        selector,
      ),
    });
  const informer = informerOf(plural);
  const queue = new WorkQueue();
  informer.onEvent((_, object) => queue.add(objectKey(object)));
  const clusters = clusterWaiters ? informerOf(KafkaClusterNames.plural) : undefined;
  clusters?.onEvent((event, cluster) => {
    if (event === "delete") return;
    for (const key of clusterWaiters?.take(objectKey(cluster)) ?? []) queue.add(key);
  });
  clusters?.start();
  const controller = new Controller({
    name: options.name,
    queue,
    workers: options.workers,
    logger,
    reconcile: options.reconcile,
  });
  informer.start();
  controller.start();
  const resync = setInterval(() => {
    for (const object of informer.list()) queue.add(objectKey(object));
  }, options.resyncSeconds * 1_000);
  return {
    waitForSync: async () => {
      await informer.waitForSync();
      await clusters?.waitForSync();
    },
    async stop() {
      clearInterval(resync);
      await clusters?.stop();
      await informer.stop();
      await controller.stop();
    },
  };
}
