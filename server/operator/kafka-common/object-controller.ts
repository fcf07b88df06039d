import "server-only";
import type { KubeConfig } from "@kubernetes/client-node";
import { KafkaClusterNames } from "@/lib/crds/kafka-cluster";
import { KAFKA_GROUP, KAFKA_VERSION } from "@/lib/crds/kafka-common";
import { shardSelector } from "../mysql-cluster/names";
import { Controller, type Reconciler } from "../runtime/controller";
import {
  customObjectInformer,
  queueOnEvent,
  startControllers,
  type ControllerProcessOptions,
  type RunningControllers,
} from "../runtime/controller-setup";
import { WorkQueue } from "../runtime/work-queue";
import { objectKey } from "../runtime/watched-object";
import type { KafkaEndpoint, ResolveKafkaEndpoint } from "@/server/kafka";
import { kafkaEndpointResolver, kubeEndpointReads } from "../kafka-cluster/endpoint";
import { kubeKafkaObjectApi } from "./api";
import {
  MissingClusterWaiters,
  kafkaClusterLookup,
  type ReadKafkaCluster,
} from "./cluster-waiters";

export interface KafkaObjectControllerOptions extends ControllerProcessOptions {
  /**
   * False when no broker can exist behind the pods (`PILOTHOUSE_OPERATOR_DATABASE_CHECKS=disabled`,
   * simulated KWOK nodes): the Admin API is never called. Undefined = true.
   */
  databaseChecks?: boolean;
}

/** A running controller. */
export type RunningKafkaController = RunningControllers;

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
  const { logger, plural, clusterWaiters } = options;
  const kafkaInformer = (kind: string) =>
    customObjectInformer(options, {
      group: KAFKA_GROUP,
      version: KAFKA_VERSION,
      plural: kind,
      labelSelector: shardSelector(options.shard),
    });
  const informer = kafkaInformer(plural);
  const queue = new WorkQueue();
  queueOnEvent(informer, queue);
  const clusters = clusterWaiters ? kafkaInformer(KafkaClusterNames.plural) : undefined;
  clusters?.onEvent((event, cluster) => {
    if (event === "delete") return;
    for (const key of clusterWaiters?.take(objectKey(cluster)) ?? []) queue.add(key);
  });
  const controller = new Controller({
    name: options.name,
    queue,
    workers: options.workers,
    logger,
    reconcile: options.reconcile,
  });
  return startControllers({
    informers: clusters ? [informer, clusters] : [informer],
    controllers: [controller],
    resyncSeconds: options.resyncSeconds,
    resync: [{ informer, queue }],
  });
}

/** How a KafkaTopic or KafkaUser reconciler reaches the KafkaCluster its object names. */
export interface KafkaClusterAccess {
  /** Objects waiting for their missing cluster; the controller's KafkaCluster informer queues them. */
  clusterWaiters: MissingClusterWaiters;
  resolveEndpoint: ResolveKafkaEndpoint;
  /** Reads a KafkaCluster; the clusters of `kafkaEndpoints` count as existing. */
  readCluster: ReadKafkaCluster;
}

/**
 * The {@link KafkaClusterAccess} over a real apiserver: each cluster through its bootstrap
 * Service, or an override from `kafkaEndpoints` (`namespace/cluster` keys).
 */
export function kafkaClusterAccess(options: {
  kubeConfig: KubeConfig;
  kafkaEndpoints: ReadonlyMap<string, KafkaEndpoint>;
}): KafkaClusterAccess {
  const { kubeConfig, kafkaEndpoints } = options;
  const clusters = kubeKafkaObjectApi(kubeConfig, KafkaClusterNames);
  return {
    clusterWaiters: new MissingClusterWaiters(),
    resolveEndpoint: kafkaEndpointResolver(kubeEndpointReads(kubeConfig), kafkaEndpoints),
    readCluster: kafkaClusterLookup(
      (namespace, name) => clusters.get(namespace, name),
      kafkaEndpoints,
    ),
  };
}
