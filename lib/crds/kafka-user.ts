/**
 * KafkaUser (`kafka.pilothouse.dev/v1alpha1`): SCRAM-SHA-512 credentials for one client, kept in a
 * Secret the operator creates, and the ACLs that say which topics, groups and cluster operations
 * the client may use.
 *
 * @see https://kafka.apache.org/documentation/#security_authz
 * @see https://kafka.apache.org/documentation/#security_sasl_scram
 */
import { z } from "zod";
import { ConditionListSchema, ObjectMetaSchema } from "./common";
import { KAFKA_API_VERSION, ClusterNameRefSchema } from "./kafka-common";

export const KafkaUserNames = {
  kind: "KafkaUser",
  listKind: "KafkaUserList",
  plural: "kafkausers",
  singular: "kafkauser",
  shortNames: ["ku", "kafkau"],
  categories: ["pilothouse", "all"],
} as const;

export const AclResourceTypeSchema = z.enum(["topic", "group", "cluster", "transactionalId"]);
export const AclPatternTypeSchema = z.enum(["literal", "prefixed"]);
export const AclOperationSchema = z.enum([
  "All",
  "Read",
  "Write",
  "Create",
  "Delete",
  "Alter",
  "Describe",
  "ClusterAction",
  "DescribeConfigs",
  "AlterConfigs",
  "IdempotentWrite",
]);
export type AclOperation = z.infer<typeof AclOperationSchema>;

export const AclRuleSchema = z
  .object({
    resource: z.object({
      type: AclResourceTypeSchema.describe("topic, group, cluster or transactionalId."),
      name: z
        .string()
        .min(1)
        .max(249)
        .default("*")
        .describe(
          "Resource name, or its prefix; '*' is every resource. kafka-cluster for cluster.",
        ),
      patternType: AclPatternTypeSchema.default("literal").describe("literal or prefixed."),
    }),
    operations: z
      .array(AclOperationSchema)
      .min(1, "must name at least one operation")
      .max(11)
      .meta({ "x-kubernetes-list-type": "set" })
      .describe("Operations allowed, e.g. [Read, Describe]."),
    host: z
      .string()
      .min(1)
      .max(253)
      .default("*")
      .describe("Client host the rule applies to; '*' is any."),
  })
  .describe("One allow rule.");
export type AclRule = z.infer<typeof AclRuleSchema>;

export const KafkaUserSpecSchema = z
  .object({
    clusterName: ClusterNameRefSchema,
    authentication: z
      .object({ type: z.literal("scram-sha-512").default("scram-sha-512") })
      .prefault({})
      .describe("How the client authenticates; the password is generated into a Secret."),
    acls: z
      .array(AclRuleSchema)
      .max(64)
      .default([])
      .describe("What the user may do (allow rules)."),
  })
  .describe("Desired state of a Kafka user.");
export type KafkaUserSpec = z.infer<typeof KafkaUserSpecSchema>;
export type KafkaUserSpecInput = z.input<typeof KafkaUserSpecSchema>;

export const KafkaUserStatusSchema = z
  .object({
    observedGeneration: z.int().min(0).optional(),
    phase: z.enum(["Pending", "Ready", "Failed", "Paused", "Deleting"]).optional(),
    username: z.string().optional().describe("SCRAM user name (principal User:<username>)."),
    secretName: z
      .string()
      .optional()
      .describe("Secret holding username, password and sasl.jaas.config."),
    acls: z.int().min(0).optional().describe("ACL bindings applied."),
    conditions: ConditionListSchema.optional(),
  })
  .describe("Observed state of a Kafka user.");
export type KafkaUserStatus = z.infer<typeof KafkaUserStatusSchema>;

export const KafkaUserSchema = z.object({
  apiVersion: z.literal(KAFKA_API_VERSION),
  kind: z.literal(KafkaUserNames.kind),
  metadata: ObjectMetaSchema,
  spec: KafkaUserSpecSchema,
  status: KafkaUserStatusSchema.optional(),
});
export type KafkaUser = z.infer<typeof KafkaUserSchema>;

/** Finalizer the operator puts on every KafkaUser: deleting it removes credentials and ACLs. */
export const KAFKA_USER_FINALIZER = "kafka.pilothouse.dev/user";

/** Name of the Secret holding a KafkaUser's credentials. */
export function kafkaUserSecretName(user: string): string {
  return `${user}-kafka-user`;
}
