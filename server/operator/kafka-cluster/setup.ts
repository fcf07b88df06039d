import "server-only";
import type { Registry } from "prom-client";
import { KafkaClusterNames } from "@/lib/crds/kafka-cluster";
import { clusterHealth, type KafkaEndpoint } from "@/server/kafka";
import {
  startKafkaObjectController,
  type KafkaObjectControllerOptions,
  type RunningKafkaController,
} from "../kafka-common/object-controller";
import { kubeKafkaClusterApi } from "./api";
import { kafkaClusterReconciler } from "./controller";
import { kafkaEndpointResolver, kubeEndpointReads } from "./endpoint";
import { KafkaClusterMetrics } from "./metrics";

export interface KafkaClusterControllerOptions extends KafkaObjectControllerOptions {
  /** Clusters reached at fixed addresses (`namespace/cluster`), see `./config.ts`. */
  kafkaEndpoints: ReadonlyMap<string, KafkaEndpoint>;
  /** Where the health gauges are registered (the operator's /metrics registry). */
  metrics: { registry: Registry };
}

/**
 * Starts the KafkaCluster controller: this shard's KafkaClusters, turned into StatefulSets per
 * pool, Services, ConfigMaps and Secrets, with health probed through the Admin API. StatefulSet
 * changes are followed by polling the cluster (a StatefulSet informer is the next step).
 */
export function startKafkaClusterController(
  options: KafkaClusterControllerOptions,
): RunningKafkaController {
  const api = kubeKafkaClusterApi(options.kubeConfig);
  return startKafkaObjectController({
    ...options,
    plural: KafkaClusterNames.plural,
    name: "kafkacluster",
    reconcile: kafkaClusterReconciler({
      api,
      resolveEndpoint: kafkaEndpointResolver(
        kubeEndpointReads(options.kubeConfig),
        options.kafkaEndpoints,
      ),
      probe: (endpoint) => clusterHealth(endpoint),
      metrics: new KafkaClusterMetrics(options.metrics.registry),
      databaseChecks: options.databaseChecks,
      logger: options.logger,
      shard: options.shard,
    }),
  });
}
