import "server-only";
import { kindByPlural, type KindInfo } from "@/lib/api/kinds";
import { KafkaClusterSchema, kafkaPools } from "@/lib/crds/kafka-cluster";
import { KafkaTopicSpecSchema } from "@/lib/crds/kafka-topic";
import { KafkaUserSpecSchema } from "@/lib/crds/kafka-user";
import type { UserKubeClients } from "../kube/client";
import { KubeApiError } from "../kube/errors";
import { getResource } from "../kube/resources";
import { apiError, type ApiError } from "./errors";

/**
 * Refusals of a KafkaTopic or KafkaUser that cannot work with the cluster it names, before it
 * exists: without them the apiserver accepts any `spec.clusterName` and the operator reports the
 * failure in status afterwards (`ClusterNotFound`; a topic's `InvalidReplicationFactor` from
 * Kafka's Admin API), which stays the backstop for clusters changed later.
 */

const KAFKA_CLUSTERS = kindByPlural("kafkaclusters") as KindInfo;

/** The brokers a KafkaCluster's spec runs: the combined pool, or the broker pool. */
export function brokerReplicas(cluster: { spec: { kraft: Parameters<typeof kafkaPools>[0] } }) {
  const pools = kafkaPools(cluster.spec.kraft);
  const brokers = pools.find((p) => p.name === "combined" || p.name === "brokers");
  return brokers?.pool.replicas ?? 0;
}

/**
 * Checks a KafkaTopic's or KafkaUser's spec against its cluster, read as the caller: 422 on
 * `spec.clusterName` when no KafkaCluster of that name is in `namespace`, and, for a topic, 422
 * on `spec.replicationFactor` when it exceeds the cluster's brokers (Kafka refuses such a topic:
 * INVALID_REPLICATION_FACTOR).
 *
 * @param plural - `kafkatopics` or `kafkausers`; other kinds answer `null`.
 * @param spec - the create body's `spec` (already validated against the CRD's schema).
 * @returns the refusal, or `null` when it fits, or when the caller may not read the cluster
 *   (Kubernetes RBAC then decides on the create alone).
 * @throws KubeApiError other than 403/404, KubeConnectionError.
 */
export async function kafkaSpecProblem(
  kube: UserKubeClients,
  namespace: string,
  plural: string,
  spec: unknown,
): Promise<ApiError | null> {
  const parsed =
    plural === "kafkatopics"
      ? KafkaTopicSpecSchema.safeParse(spec)
      : plural === "kafkausers"
        ? KafkaUserSpecSchema.safeParse(spec)
        : undefined;
  if (!parsed?.success) return null;
  const kindName = plural === "kafkatopics" ? "KafkaTopic" : "KafkaUser";
  const { clusterName } = parsed.data;
  let raw: Record<string, unknown>;
  try {
    raw = await getResource(kube, KAFKA_CLUSTERS, namespace, clusterName);
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) {
      return apiError(422, "Invalid", `Invalid ${kindName}.`, [
        {
          field: "spec.clusterName",
          message: `KafkaCluster ${clusterName} does not exist in namespace ${namespace}`,
        },
      ]);
    }
    if (err instanceof KubeApiError && err.status === 403) return null;
    throw err;
  }
  if (!("replicationFactor" in parsed.data)) return null;
  const cluster = KafkaClusterSchema.safeParse(raw);
  if (!cluster.success) return null;
  const brokers = brokerReplicas(cluster.data);
  const factor = parsed.data.replicationFactor;
  if (factor <= brokers) return null;
  return apiError(422, "Invalid", "Invalid KafkaTopic.", [
    {
      field: "spec.replicationFactor",
      message: `must be at most ${brokers}, the brokers of KafkaCluster ${clusterName}`,
    },
  ]);
}
