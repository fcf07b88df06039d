/**
 * The Kafka kinds as {@link CrdSource}s, and their generated CRD manifests by file name under
 * `deploy/crds/` (`npm run generate` writes them next to the MySQL ones).
 *
 * @see https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/
 */
import {
  AGE_COLUMN,
  READY_COLUMN,
  buildCrd,
  type CrdManifest,
  type CrdSource,
} from "./crd-manifest";
import { KAFKA_GROUP, KAFKA_VERSION, KafkaClusterNameRules } from "./kafka-common";
import {
  KafkaClusterNames,
  KafkaClusterSpecSchema,
  KafkaClusterStatusSchema,
} from "./kafka-cluster";
import { KafkaTopicNames, KafkaTopicSpecSchema, KafkaTopicStatusSchema } from "./kafka-topic";
import { KafkaUserNames, KafkaUserSpecSchema, KafkaUserStatusSchema } from "./kafka-user";

const { maxLength, pattern, patternMessage } = KafkaClusterNameRules;
const CLUSTER_COLUMN = { name: "Cluster", type: "string", jsonPath: ".spec.clusterName" } as const;

export const KafkaClusterCrdSource: CrdSource = {
  group: KAFKA_GROUP,
  version: KAFKA_VERSION,
  names: KafkaClusterNames,
  description:
    "KafkaCluster is an Apache Kafka cluster in KRaft mode managed by Pilothouse: combined broker+controller nodes, or separate controller and broker pools.",
  spec: KafkaClusterSpecSchema,
  status: KafkaClusterStatusSchema,
  printerColumns: [
    READY_COLUMN,
    { name: "Phase", type: "string", jsonPath: ".status.phase" },
    { name: "Mode", type: "string", jsonPath: ".spec.kraft.mode" },
    { name: "Brokers", type: "integer", jsonPath: ".status.brokers" },
    { name: "Leader", type: "integer", jsonPath: ".status.quorumLeader", priority: 1 },
    { name: "Version", type: "string", jsonPath: ".spec.version", priority: 1 },
    { name: "Bootstrap", type: "string", jsonPath: ".status.bootstrap.internal", priority: 1 },
    AGE_COLUMN,
  ],
  rootValidations: [
    {
      rule: `self.metadata.name.size() <= ${maxLength}`,
      message: `metadata.name must be at most ${maxLength} characters`,
    },
    {
      rule: `self.metadata.name.matches(r'${pattern.source}')`,
      message: `metadata.name ${patternMessage}`,
    },
  ],
};

export const KafkaTopicCrdSource: CrdSource = {
  group: KAFKA_GROUP,
  version: KAFKA_VERSION,
  names: KafkaTopicNames,
  description: "KafkaTopic is a topic of a KafkaCluster, managed through the Kafka Admin API.",
  spec: KafkaTopicSpecSchema,
  status: KafkaTopicStatusSchema,
  printerColumns: [
    CLUSTER_COLUMN,
    READY_COLUMN,
    { name: "Partitions", type: "integer", jsonPath: ".spec.partitions" },
    { name: "Replicas", type: "integer", jsonPath: ".spec.replicationFactor" },
    { name: "Topic", type: "string", jsonPath: ".status.topicName", priority: 1 },
    AGE_COLUMN,
  ],
  rootValidations: [
    {
      rule: "has(self.spec.topicName) || self.metadata.name.size() <= 249",
      message:
        "metadata.name is the topic name and must be at most 249 characters; set spec.topicName",
    },
  ],
};

export const KafkaUserCrdSource: CrdSource = {
  group: KAFKA_GROUP,
  version: KAFKA_VERSION,
  names: KafkaUserNames,
  description:
    "KafkaUser is a SCRAM-SHA-512 identity of a KafkaCluster and the ACLs it is granted.",
  spec: KafkaUserSpecSchema,
  status: KafkaUserStatusSchema,
  printerColumns: [
    CLUSTER_COLUMN,
    READY_COLUMN,
    { name: "Secret", type: "string", jsonPath: ".status.secretName" },
    { name: "ACLs", type: "integer", jsonPath: ".status.acls" },
    AGE_COLUMN,
  ],
  rootValidations: [],
};

/** The Kafka CRDs by file name under `deploy/crds/`. */
export function kafkaCrds(): Record<string, CrdManifest> {
  const sources = [KafkaClusterCrdSource, KafkaTopicCrdSource, KafkaUserCrdSource];
  return Object.fromEntries(
    sources.map((source) => [`${source.group}_${source.names.plural}.yaml`, buildCrd(source)]),
  );
}
