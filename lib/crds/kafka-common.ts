/**
 * Pieces shared by the Kafka kinds (`kafka.pilothouse.dev/v1alpha1`): the API group, the name
 * rules of a KafkaCluster and the reference from a KafkaTopic or KafkaUser to its cluster.
 *
 * @see https://kafka.apache.org/documentation/#kraft
 */
import { z } from "zod";

export const KAFKA_GROUP = "kafka.pilothouse.dev";
export const KAFKA_VERSION = "v1alpha1";
export const KAFKA_API_VERSION = `${KAFKA_GROUP}/${KAFKA_VERSION}` as const;

/**
 * What a KafkaCluster may be called: an RFC 1035 label short enough for
 * `<name>-<pool>-headless` Services and the StatefulSets' `controller-revision-hash` labels.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#rfc-1035-label-names
 */
export const KafkaClusterNameRules = {
  maxLength: 40,
  pattern: /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
  patternMessage:
    "must start with a lower case letter, contain only lower case letters, digits and '-', and end with a letter or digit",
} as const;

export const KafkaClusterNameSchema = z
  .string()
  .min(1, "must not be empty")
  .max(
    KafkaClusterNameRules.maxLength,
    `must be at most ${KafkaClusterNameRules.maxLength} characters`,
  )
  .regex(KafkaClusterNameRules.pattern, KafkaClusterNameRules.patternMessage);

/** `spec.clusterName` of a KafkaTopic or KafkaUser: a KafkaCluster in the same namespace. */
export const ClusterNameRefSchema = KafkaClusterNameSchema.meta({
  "x-kubernetes-validations": [
    {
      rule: "self == oldSelf",
      message: "clusterName cannot be changed; create a new resource for another cluster",
    },
  ],
}).describe("Name of the KafkaCluster in the same namespace. Cannot be changed.");

/** Label the operator puts on KafkaTopics and KafkaUsers: the cluster they belong to. */
export const KAFKA_CLUSTER_LABEL = "kafka.pilothouse.dev/cluster";
