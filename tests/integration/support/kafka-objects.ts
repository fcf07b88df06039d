/**
 * Kafka custom objects for the integration tests, through the apiserver as the platform admin.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
} from "@kubernetes/client-node";
import { OPERATOR_SHARD_LABEL } from "@/lib/crds/common";
import { KAFKA_API_VERSION, KAFKA_GROUP, KAFKA_VERSION } from "@/lib/crds/kafka-common";
import { KafkaClusterSchema, type KafkaClusterSpecInput } from "@/lib/crds/kafka-cluster";
import { KafkaTopicSchema, type KafkaTopicSpecInput } from "@/lib/crds/kafka-topic";
import { KafkaUserSchema, type KafkaUserSpecInput } from "@/lib/crds/kafka-user";

/** Create, read, patch and delete Kafka objects of one kind and namespace, labelled for one shard. */
function kafkaObjectApi<T>(
  admin: KubeConfig,
  namespace: string,
  shard: string,
  kind: "KafkaCluster" | "KafkaTopic" | "KafkaUser",
  parse: (object: unknown) => T,
) {
  const custom = admin.makeApiClient(CustomObjectsApi);
  const objects = KubernetesObjectApi.makeApiClient(admin);
  const resource = {
    group: KAFKA_GROUP,
    version: KAFKA_VERSION,
    plural: `${kind.toLowerCase()}s`,
    namespace,
  };
  return {
    core: admin.makeApiClient(CoreV1Api),
    async create(name: string, spec: object): Promise<void> {
      await custom.createNamespacedCustomObject({
        ...resource,
        body: {
          apiVersion: KAFKA_API_VERSION,
          kind,
          metadata: { name, namespace, labels: { [OPERATOR_SHARD_LABEL]: shard } },
          spec,
        },
      });
    },
    /** The object, or undefined when it is gone. */
    async read(name: string): Promise<T | undefined> {
      try {
        return parse(await custom.getNamespacedCustomObject({ ...resource, name }));
      } catch (error) {
        if ((error as { code?: number }).code === 404) return undefined;
        throw error;
      }
    },
    async patchSpec(name: string, spec: object): Promise<void> {
      const patch = {
        apiVersion: KAFKA_API_VERSION,
        kind,
        metadata: { name, namespace },
        spec,
      };
      await objects.patch(
        patch,
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      );
    },
    async delete(name: string): Promise<void> {
      await custom.deleteNamespacedCustomObject({ ...resource, name });
    },
  };
}

/** KafkaTopics of one namespace and shard. */
export function kafkaTopicApi(admin: KubeConfig, namespace: string, shard: string) {
  const api = kafkaObjectApi(admin, namespace, shard, "KafkaTopic", (o) =>
    KafkaTopicSchema.parse(o),
  );
  return { ...api, create: (name: string, spec: KafkaTopicSpecInput) => api.create(name, spec) };
}

/** KafkaUsers of one namespace and shard. */
export function kafkaUserApi(admin: KubeConfig, namespace: string, shard: string) {
  const api = kafkaObjectApi(admin, namespace, shard, "KafkaUser", (o) => KafkaUserSchema.parse(o));
  return { ...api, create: (name: string, spec: KafkaUserSpecInput) => api.create(name, spec) };
}

/** KafkaClusters of one namespace and shard. */
export function kafkaClusterApi(admin: KubeConfig, namespace: string, shard: string) {
  const api = kafkaObjectApi(admin, namespace, shard, "KafkaCluster", (o) =>
    KafkaClusterSchema.parse(o),
  );
  return { ...api, create: (name: string, spec: KafkaClusterSpecInput) => api.create(name, spec) };
}

/** `type reason: message` of every Event recorded on the object `kind` `name` in `namespace`. */
export async function eventsOf(
  core: CoreV1Api,
  namespace: string,
  kind: string,
  name: string,
): Promise<string[]> {
  const list = await core.listNamespacedEvent({
    namespace,
    fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}`,
  });
  return list.items.map((event) => `${event.type} ${event.reason}: ${event.message}`);
}
