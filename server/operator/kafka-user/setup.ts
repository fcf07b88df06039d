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
  startKafkaObjectController,
  type KafkaObjectControllerOptions,
  type RunningKafkaController,
} from "../kafka-common/object-controller";
import { kafkaEndpointResolver, kubeEndpointReads } from "../kafka-cluster/endpoint";
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
  return startKafkaObjectController({
    ...options,
    plural: KafkaUserNames.plural,
    name: "kafkauser",
    reconcile: kafkaUserReconciler({
      api,
      resolveEndpoint: kafkaEndpointResolver(
        kubeEndpointReads(options.kubeConfig),
        options.kafkaEndpoints,
      ),
      actions: { aclBindings, setAcls, upsertScramUser, deleteScramUser, scramLoginWorks },
      logger: options.logger,
      shard: options.shard,
    }),
  });
}
