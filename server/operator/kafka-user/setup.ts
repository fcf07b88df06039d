import "server-only";
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
  kafkaClusterAccess,
  startKafkaObjectController,
  type KafkaObjectControllerOptions,
  type RunningKafkaController,
} from "../kafka-common/object-controller";
import { kafkaUserReconciler } from "./controller";

export interface KafkaUserControllerOptions extends KafkaObjectControllerOptions {
  /** Clusters reached at fixed addresses (`namespace/cluster`), see `kafka-cluster/config.ts`. */
  kafkaEndpoints: ReadonlyMap<string, KafkaEndpoint>;
}

/**
 * Starts the KafkaUser controller: this shard's KafkaUsers, turned into credential Secrets,
 * SCRAM-SHA-512 credentials and ACL bindings through each cluster's Admin API. A KafkaCluster
 * informer queues the users that were waiting for their cluster to be created.
 */
export function startKafkaUserController(
  options: KafkaUserControllerOptions,
): RunningKafkaController {
  const access = kafkaClusterAccess(options);
  return startKafkaObjectController({
    ...options,
    clusterWaiters: access.clusterWaiters,
    plural: KafkaUserNames.plural,
    name: "kafkauser",
    reconcile: kafkaUserReconciler({
      ...access,
      api: kubeKafkaObjectApi(options.kubeConfig, KafkaUserNames),
      actions: { aclBindings, setAcls, upsertScramUser, deleteScramUser, scramLoginWorks },
      databaseChecks: options.databaseChecks,
      logger: options.logger,
      shard: options.shard,
    }),
  });
}
