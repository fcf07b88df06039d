import type { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import type { LocalBroker } from "./kafka-broker";
import { installOperatorManifests, kubeConfigFrom, platformKubeconfigs } from "./kube-admin";
import { OperatorProcess } from "./operator-process";

/** The operator process serving one test namespace whose KafkaCluster `events` is a broker. */
export interface KafkaOperatorFixture<Api> {
  admin: KubeConfig;
  /** The test's view of its objects, made by `objectApi` with the admin credentials. */
  api: Api;
  operator: OperatorProcess;
  /** Stops the operator, removes its lease and deletes the namespace (idempotent enough). */
  stop(): Promise<void>;
}

/**
 * Starts the operator as shipped (its own ServiceAccount, shard `shard`) with the KafkaCluster
 * `events` of `namespace` bound to `broker` through PILOTHOUSE_OPERATOR_KAFKA_ENDPOINTS, after
 * installing the CRDs and RBAC and creating `namespace`. On failure it cleans up what it made.
 */
export async function startKafkaOperator<Api extends { core: CoreV1Api }>(
  broker: LocalBroker,
  scope: { namespace: string; shard: string },
  objectApi: (admin: KubeConfig, namespace: string, shard: string) => Api,
): Promise<KafkaOperatorFixture<Api>> {
  const { namespace, shard } = scope;
  const kubeconfigs = platformKubeconfigs();
  const admin = kubeConfigFrom(kubeconfigs.admin);
  await installOperatorManifests(admin);
  const api = objectApi(admin, namespace, shard);
  await api.core.createNamespace({ body: { metadata: { name: namespace } } });
  let operator: OperatorProcess | undefined;
  const stop = async () => {
    await operator?.stop();
    await OperatorProcess.removeLease(admin, shard);
    await api.core.deleteNamespace({ name: namespace }).catch(() => undefined);
  };
  try {
    operator = await OperatorProcess.start(kubeconfigs.operator, shard, {
      env: {
        PILOTHOUSE_OPERATOR_KAFKA_ENDPOINTS: JSON.stringify({
          [`${namespace}/events`]: broker.admin,
        }),
      },
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { admin, api, operator, stop };
}
