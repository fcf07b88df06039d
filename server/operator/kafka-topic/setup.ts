import "server-only";
import type { KubeConfig } from "@kubernetes/client-node";
import { KafkaClusterNames } from "@/lib/crds/kafka-cluster";
import { KafkaTopicNames } from "@/lib/crds/kafka-topic";
import { deleteTopic, ensureTopic, type KafkaEndpoint } from "@/server/kafka";
import { kubeKafkaObjectApi } from "../kafka-common/api";
import {
  startKafkaObjectController,
  type KafkaObjectControllerOptions,
  type RunningKafkaController,
} from "../kafka-common/object-controller";
import { kafkaEndpointResolver, kubeEndpointReads } from "../kafka-cluster/endpoint";
import { MissingClusterWaiters, kafkaClusterLookup } from "../kafka-common/cluster-waiters";
import { kafkaTopicReconciler } from "./controller";

export interface KafkaTopicControllerOptions extends KafkaObjectControllerOptions {
  kubeConfig: KubeConfig;
  /** Clusters reached at fixed addresses (`namespace/cluster`), see `kafka-cluster/config.ts`. */
  kafkaEndpoints: ReadonlyMap<string, KafkaEndpoint>;
}

/**
 * Starts the KafkaTopic controller: this shard's KafkaTopics, reconciled through each cluster's
 * Admin API, reached through its bootstrap Service (or an override from `kafkaEndpoints`). A
 * KafkaCluster informer queues the topics that were waiting for their cluster to be created.
 */
export function startKafkaTopicController(
  options: KafkaTopicControllerOptions,
): RunningKafkaController {
  const api = kubeKafkaObjectApi(options.kubeConfig, KafkaTopicNames);
  const clusters = kubeKafkaObjectApi(options.kubeConfig, KafkaClusterNames);
  const clusterWaiters = new MissingClusterWaiters();
  return startKafkaObjectController({
    ...options,
    clusterWaiters,
    plural: KafkaTopicNames.plural,
    name: "kafkatopic",
    reconcile: kafkaTopicReconciler({
      api,
      resolveEndpoint: kafkaEndpointResolver(
        kubeEndpointReads(options.kubeConfig),
        options.kafkaEndpoints,
      ),
      actions: { ensureTopic, deleteTopic },
      readCluster: kafkaClusterLookup(
        (namespace, name) => clusters.get(namespace, name),
        options.kafkaEndpoints,
      ),
      clusterWaiters,
      databaseChecks: options.databaseChecks,
      logger: options.logger,
      shard: options.shard,
    }),
  });
}
