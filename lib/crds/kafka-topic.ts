/**
 * KafkaTopic (`kafka.pilothouse.dev/v1alpha1`): one topic of a KafkaCluster, created, grown,
 * reconfigured and deleted by the operator through the Kafka Admin API.
 *
 * @see https://kafka.apache.org/documentation/#topicconfigs
 */
import { z } from "zod";
import { ConditionListSchema, ObjectMetaSchema, patternString } from "./common";
import { KAFKA_API_VERSION, ClusterNameRefSchema } from "./kafka-common";

export const KafkaTopicNames = {
  kind: "KafkaTopic",
  listKind: "KafkaTopicList",
  plural: "kafkatopics",
  singular: "kafkatopic",
  shortNames: ["kt", "kafkat"],
  categories: ["pilothouse", "all"],
} as const;

/** Legal Kafka topic names: at most 249 of `[a-zA-Z0-9._-]`, not `.` or `..`. */
const TOPIC_PATTERN = /^(?!\.{1,2}$)[a-zA-Z0-9._-]{1,249}$/;

/** Topic settings are `name: value` strings, as `kafka-configs` takes them. */
export const TopicConfigsSchema = z
  .record(z.string(), z.string().max(1024))
  .meta({
    maxProperties: 64,
    "x-kubernetes-validations": [
      {
        rule: "self.all(k, k.matches(r'^[a-z][a-z0-9.]{0,127}$'))",
        message: "topic setting names are lower case words separated by '.', e.g. retention.ms",
      },
    ],
  })
  .describe("Topic settings, e.g. retention.ms: '604800000', cleanup.policy: compact.");

export const KafkaTopicSpecSchema = z
  .object({
    clusterName: ClusterNameRefSchema,
    topicName: patternString(
      /^[a-zA-Z0-9._-]{1,249}$/,
      "must be 1-249 characters of letters, digits, '.', '_' and '-'",
      249,
    )
      .optional()
      .meta({
        "x-kubernetes-validations": [
          { rule: "self == oldSelf", message: "topicName cannot be changed" },
        ],
      })
      .describe("Name of the topic in Kafka; metadata.name when unset. Cannot be changed."),
    partitions: z
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(10000, "must be at most 10000")
      .default(1)
      .meta({
        "x-kubernetes-validations": [
          {
            rule: "self >= oldSelf",
            message: "partitions can only grow (Kafka cannot remove partitions)",
          },
        ],
      })
      .describe("Number of partitions; can grow, never shrink."),
    replicationFactor: z
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(32, "must be at most 32")
      .default(1)
      .meta({
        "x-kubernetes-validations": [
          {
            rule: "self == oldSelf",
            message: "replicationFactor cannot be changed after creation",
          },
        ],
      })
      .describe("Copies of each partition; at most the number of brokers. Cannot be changed."),
    configs: TopicConfigsSchema.optional(),
  })
  .refine((spec) => spec.topicName === undefined || TOPIC_PATTERN.test(spec.topicName), {
    path: ["topicName"],
    message: "must not be '.' or '..'",
  })
  .describe("Desired state of a Kafka topic.");
export type KafkaTopicSpec = z.infer<typeof KafkaTopicSpecSchema>;
export type KafkaTopicSpecInput = z.input<typeof KafkaTopicSpecSchema>;

export const KafkaTopicStatusSchema = z
  .object({
    observedGeneration: z.int().min(0).optional(),
    phase: z.enum(["Pending", "Ready", "Refused", "Failed", "Paused", "Deleting"]).optional(),
    topicName: z.string().optional().describe("The topic's name in Kafka."),
    topicId: z.string().optional().describe("Kafka's topic ID (UUID)."),
    partitions: z.int().min(0).optional().describe("Partitions the topic has in Kafka."),
    replicationFactor: z.int().min(0).optional(),
    configs: z
      .record(z.string(), z.string())
      .optional()
      .describe("Settings applied from the spec."),
    conditions: ConditionListSchema.optional(),
  })
  .describe("Observed state of a Kafka topic.");
export type KafkaTopicStatus = z.infer<typeof KafkaTopicStatusSchema>;

export const KafkaTopicSchema = z.object({
  apiVersion: z.literal(KAFKA_API_VERSION),
  kind: z.literal(KafkaTopicNames.kind),
  metadata: ObjectMetaSchema,
  spec: KafkaTopicSpecSchema,
  status: KafkaTopicStatusSchema.optional(),
});
export type KafkaTopic = z.infer<typeof KafkaTopicSchema>;

/** The topic's name in Kafka: `spec.topicName`, or the object's name. */
export function kafkaTopicName(topic: Pick<KafkaTopic, "metadata" | "spec">): string {
  return topic.spec.topicName ?? topic.metadata.name;
}

/** Finalizer the operator puts on every KafkaTopic: deleting the object deletes the topic. */
export const KAFKA_TOPIC_FINALIZER = "kafka.pilothouse.dev/topic";
