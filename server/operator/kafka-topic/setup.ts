import "server-only";
import { KafkaTopicNames } from "@/lib/crds/kafka-topic";
import { deleteTopic, ensureTopic, type KafkaEndpoint } from "@/server/kafka";
import { kubeKafkaObjectApi } from "../kafka-common/api";
import {
  kafkaClusterAccess,
  startKafkaObjectController,
  type KafkaObjectControllerOptions,
  type RunningKafkaController,
} from "../kafka-common/object-controller";
import { kafkaTopicReconciler } from "./controller";

export interface KafkaTopicControllerOptions extends KafkaObjectControllerOptions {
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
  const access = kafkaClusterAccess(options);
  return startKafkaObjectController({
    ...options,
    clusterWaiters: access.clusterWaiters,
    plural: KafkaTopicNames.plural,
    name: "kafkatopic",
    reconcile: kafkaTopicReconciler({
      ...access,
      api: kubeKafkaObjectApi(options.kubeConfig, KafkaTopicNames),
      actions: { ensureTopic, deleteTopic },
      databaseChecks: options.databaseChecks,
      logger: options.logger,
      shard: options.shard,
    }),
  });
}
