import "server-only";
import { KafkaClusterNames } from "@/lib/crds/kafka-cluster";
import { KafkaUserNames } from "@/lib/crds/kafka-user";
import {
  aclBindings,
  deleteScramUser,
  scramLoginWorks,
  setAcls,
  upsertScramUser,
  type KafkaEndpoint,
} from "@/server/kafka";
import { kubeKafkaObjectApi } from "../kafka-common/api";
import {
  startKafkaObjectController,
  type KafkaObjectControllerOptions,
  type RunningKafkaController,
} from "../kafka-common/object-controller";
import { kafkaEndpointResolver, kubeEndpointReads } from "../kafka-cluster/endpoint";
import { MissingClusterWaiters, kafkaClusterLookup } from "../kafka-common/cluster-waiters";
import { kafkaUserReconciler } from "./controller";

export interface KafkaUserControllerOptions extends KafkaObjectControllerOptions {
  /** Clusters reached at fixed addresses (`namespace/cluster`), see `kafka-cluster/config.ts`. */
  kafkaEndpoints: ReadonlyMap<string, KafkaEndpoint>;
}

/**
 * Starts the KafkaUser controller: this shard's KafkaUsers, turned into credential Secrets,
 * SCRAM-SHA-512 credentials and ACL bindings through each cluster's Admin API.
 */
export function startKafkaUserController(
  options: KafkaUserControllerOptions,
): RunningKafkaController {
  const api = kubeKafkaObjectApi(options.kubeConfig, KafkaUserNames);
  const clusters = kubeKafkaObjectApi(options.kubeConfig, KafkaClusterNames);
  const clusterWaiters = new MissingClusterWaiters();
  return startKafkaObjectController({
    ...options,
    clusterWaiters,
    plural: KafkaUserNames.plural,
    name: "kafkauser",
    reconcile: kafkaUserReconciler({
      api,
      resolveEndpoint: kafkaEndpointResolver(
        kubeEndpointReads(options.kubeConfig),
        options.kafkaEndpoints,
      ),
      actions: { aclBindings, setAcls, upsertScramUser, deleteScramUser, scramLoginWorks },
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
