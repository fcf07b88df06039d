import "server-only";
import type { KubeConfig } from "@kubernetes/client-node";
import { KafkaTopicNames } from "@/lib/crds/kafka-topic";
import { deleteTopic, ensureTopic, type KafkaEndpoint } from "@/server/kafka";
import { kubeKafkaObjectApi } from "../kafka-common/api";
import {
  startKafkaObjectController,
  type KafkaObjectControllerOptions,
  type RunningKafkaController,
} from "../kafka-common/object-controller";
import { kafkaEndpointResolver, kubeEndpointReads } from "../kafka-cluster/endpoint";
import { kafkaTopicReconciler } from "./controller";

export interface KafkaTopicControllerOptions extends KafkaObjectControllerOptions {
  kubeConfig: KubeConfig;
  /** Clusters reached at fixed addresses (`namespace/cluster`), see `kafka-cluster/config.ts`. */
  kafkaEndpoints: ReadonlyMap<string, KafkaEndpoint>;
}

/**
 * Starts the KafkaTopic controller: this shard's KafkaTopics, reconciled through each cluster's
 * Admin API, reached through its bootstrap Service (or an override from `kafkaEndpoints`).
 */
export function startKafkaTopicController(
  options: KafkaTopicControllerOptions,
): RunningKafkaController {
  const api = kubeKafkaObjectApi(options.kubeConfig, KafkaTopicNames);
  return startKafkaObjectController({
    ...options,
    plural: KafkaTopicNames.plural,
    name: "kafkatopic",
    reconcile: kafkaTopicReconciler({
      api,
      resolveEndpoint: kafkaEndpointResolver(
        kubeEndpointReads(options.kubeConfig),
        options.kafkaEndpoints,
      ),
      actions: { ensureTopic, deleteTopic },
      logger: options.logger,
      shard: options.shard,
    }),
  });
}
