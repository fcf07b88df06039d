/**
 * KafkaCluster (`kafka.pilothouse.dev/v1alpha1`): the one source of truth for its schema. An
 * Apache Kafka cluster in KRaft mode, either one pool of combined broker+controller nodes or a
 * controller pool (the metadata quorum) and a broker pool. The CRD YAML in `deploy/crds/` is
 * generated from these schemas (`npm run generate`).
 *
 * @see https://kafka.apache.org/documentation/#kraft_role
 */
import { z } from "zod";
import {
  ConditionListSchema,
  ObjectMetaSchema,
  StorageQuantitySchema,
  patternString,
} from "./common";
import { KAFKA_API_VERSION } from "./kafka-common";
import { KafkaConfigOverridesSchema } from "./kafka-config";
import { KafkaListenersSchema } from "./kafka-listeners";
import { ServerResourcesSchema } from "./resources";

export const KafkaClusterNames = {
  kind: "KafkaCluster",
  listKind: "KafkaClusterList",
  plural: "kafkaclusters",
  singular: "kafkacluster",
  shortNames: ["kc", "kafkac"],
  categories: ["pilothouse", "all"],
} as const;

/** Kafka version run when `spec.version` is unset. */
export const DEFAULT_KAFKA_VERSION = "4.4.0";

/** First node ID of each pool: node ID = base + StatefulSet ordinal, so IDs never collide. */
export const NODE_ID_BASE = { combined: 0, controllers: 0, brokers: 100 } as const;
export type KafkaPoolName = keyof typeof NODE_ID_BASE;

/** One pool of Kafka nodes: a StatefulSet with its own size, volumes and resources. */
export const KafkaPoolSchema = z.object({
  replicas: z
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(99, "must be at most 99")
    .describe("Number of nodes in the pool; node IDs are derived from the pod ordinals."),
  storage: z
    .object({
      size: StorageQuantitySchema.describe("Size of each node's log volume, e.g. 100Gi."),
      storageClassName: z
        .string()
        .min(1)
        .max(253)
        .optional()
        .describe("StorageClass of the volumes."),
    })
    .describe("Persistent storage of each node (KRaft metadata log and partition logs)."),
  resources: ServerResourcesSchema.optional().describe("CPU and memory of each node's container."),
});
export type KafkaPool = z.infer<typeof KafkaPoolSchema>;

/** `combined`: every node is broker and controller; `separate`: a controller and a broker pool. */
export const KRaftModeSchema = z.enum(["combined", "separate"]);

const QUORUM_MESSAGE = "the controller quorum needs an odd number of voters: 1, 3 or 5";
const ROLES_RULE = {
  rule:
    "self.mode == 'combined' ? (has(self.combined) && !has(self.controllers) && !has(self.brokers)) : " +
    "(!has(self.combined) && has(self.controllers) && has(self.brokers))",
  message:
    "mode combined needs exactly kraft.combined; mode separate needs kraft.controllers and kraft.brokers",
  fieldPath: ".mode",
};
const QUORUM_RULE = {
  rule: "!has(self.controllers) || self.controllers.replicas in [1, 3, 5]",
  message: QUORUM_MESSAGE,
  fieldPath: ".controllers.replicas",
};

export const KRaftSpecSchema = z
  .object({
    mode: KRaftModeSchema.default("combined").describe(
      "combined or separate controller/broker pools.",
    ),
    combined: KafkaPoolSchema.optional().describe("The pool of combined broker+controller nodes."),
    controllers: KafkaPoolSchema.optional().describe(
      "The controller pool (KRaft metadata quorum).",
    ),
    brokers: KafkaPoolSchema.optional().describe("The broker pool."),
  })
  .superRefine((kraft, context) => {
    const combined = kraft.mode === "combined";
    const ok = combined
      ? kraft.combined !== undefined && !kraft.controllers && !kraft.brokers
      : !kraft.combined && kraft.controllers !== undefined && kraft.brokers !== undefined;
    if (!ok) context.addIssue({ code: "custom", path: ["mode"], message: ROLES_RULE.message });
    if (kraft.controllers && ![1, 3, 5].includes(kraft.controllers.replicas)) {
      context.addIssue({
        code: "custom",
        path: ["controllers", "replicas"],
        message: QUORUM_MESSAGE,
      });
    }
  })
  .meta({ "x-kubernetes-validations": [ROLES_RULE, QUORUM_RULE] });
export type KRaftSpec = z.infer<typeof KRaftSpecSchema>;

export const KafkaDeletionPolicySchema = z.enum(["Retain", "Delete"]);

export const KafkaClusterSpecSchema = z
  .object({
    version: patternString(/^4\.[0-9]+\.[0-9]+$/, "must be a Kafka 4.x version such as 4.4.0", 32)
      .default(DEFAULT_KAFKA_VERSION)
      .describe("Apache Kafka version (KRaft only, so 4.x)."),
    image: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .describe("Container image; apache/kafka:<version> when unset."),
    kraft: KRaftSpecSchema.describe(
      "KRaft roles: one combined pool, or controller and broker pools.",
    ),
    listeners: KafkaListenersSchema.prefault({}),
    config: KafkaConfigOverridesSchema.optional().describe(
      "Settings added to server.properties, e.g. log.retention.hours: '72'. Settings the operator owns (node.id, process.roles, listeners, controller.quorum.*, log.dirs, ...) are refused.",
    ),
    stopped: z
      .boolean()
      .default(false)
      .describe(
        "Stop the cluster: scale every pool to zero, keep volumes, node IDs and the cluster ID.",
      ),
    deletionPolicy: KafkaDeletionPolicySchema.default("Retain").describe(
      "What deleting the cluster does to its volumes: Retain keeps them, Delete removes them.",
    ),
  })
  .describe("Desired state of a Kafka cluster.");
export type KafkaClusterSpec = z.infer<typeof KafkaClusterSpecSchema>;
export type KafkaClusterSpecInput = z.input<typeof KafkaClusterSpecSchema>;

/** Holds a deleted KafkaCluster until its `deletionPolicy` has been carried out. */
export const KAFKA_CLUSTER_FINALIZER = "kafka.pilothouse.dev/deletion-policy";

export const KafkaClusterPhaseSchema = z.enum([
  "Pending",
  "Provisioning",
  "Ready",
  "Degraded",
  "Stopping",
  "Stopped",
  "Paused",
  "Deleting",
  "Failed",
]);

const PoolStatusSchema = z.object({
  name: z.enum(["combined", "controllers", "brokers"]),
  nodeIds: z.array(z.int().min(0)).describe("Node IDs of the pool's nodes (base + ordinal)."),
  readyReplicas: z.int().min(0).optional(),
});

/** Most groups listed in `status.consumerGroups.highestLag`. */
export const MAX_LAGGING_GROUPS = 10;

const GroupLagSchema = z.object({
  groupId: z.string().max(255),
  lag: z.int().min(0).describe("Messages behind the end of its partitions, summed."),
});

export const ConsumerGroupsStatusSchema = z.object({
  count: z.int().min(0).describe("Consumer groups in the cluster."),
  maxLag: z.int().min(0).describe("Largest lag of one group, messages."),
  highestLag: z
    .array(GroupLagSchema)
    .max(MAX_LAGGING_GROUPS)
    .describe(`Groups with lag, highest first (at most ${MAX_LAGGING_GROUPS}).`),
});
export type ConsumerGroupsStatus = z.infer<typeof ConsumerGroupsStatusSchema>;

export const KafkaClusterStatusSchema = z
  .object({
    observedGeneration: z.int().min(0).optional(),
    phase: KafkaClusterPhaseSchema.optional(),
    clusterId: z
      .string()
      .max(64)
      .optional()
      .meta({
        "x-kubernetes-validations": [
          { rule: "self == oldSelf", message: "clusterId is generated once and cannot change" },
        ],
      })
      .describe("KRaft cluster ID: generated once, kept across stop/start."),
    pools: z
      .array(PoolStatusSchema)
      .optional()
      .meta({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"] })
      .describe("Node IDs per pool."),
    bootstrap: z
      .object({
        internal: z.string().optional().describe("host:port of the bootstrap Service."),
        external: z
          .string()
          .optional()
          .describe(
            "Every broker's external address, host:port comma-separated (a bootstrap.servers value).",
          ),
      })
      .optional()
      .describe("Bootstrap addresses (host:port) for clients inside and outside Kubernetes."),
    tls: z
      .object({
        caConfigMap: z.string().describe("ConfigMap whose ca.crt clients trust the brokers with."),
        caCertificate: z.string().max(8192).describe("The cluster CA certificate, PEM."),
      })
      .optional()
      .describe("The cluster CA of the TLS listeners."),
    quorumLeader: z.int().min(-1).optional().describe("Node ID of the active controller."),
    brokers: z.int().min(0).optional().describe("Brokers online."),
    offlinePartitions: z.int().min(0).optional(),
    underReplicatedPartitions: z.int().min(0).optional(),
    consumerGroups: ConsumerGroupsStatusSchema.optional().describe(
      "Consumer-group lag from the last Admin API probe.",
    ),
    conditions: ConditionListSchema.optional(),
  })
  .describe("Observed state of a Kafka cluster.");
export type KafkaClusterStatus = z.infer<typeof KafkaClusterStatusSchema>;

export const KafkaClusterSchema = z.object({
  apiVersion: z.literal(KAFKA_API_VERSION),
  kind: z.literal(KafkaClusterNames.kind),
  metadata: ObjectMetaSchema,
  spec: KafkaClusterSpecSchema,
  status: KafkaClusterStatusSchema.optional(),
});
export type KafkaCluster = z.infer<typeof KafkaClusterSchema>;

/** The pools of a cluster in start order (controllers before brokers), with their specs. */
export function kafkaPools(kraft: KRaftSpec): { name: KafkaPoolName; pool: KafkaPool }[] {
  const pools: { name: KafkaPoolName; pool: KafkaPool | undefined }[] =
    kraft.mode === "combined"
      ? [{ name: "combined", pool: kraft.combined }]
      : [
          { name: "controllers", pool: kraft.controllers },
          { name: "brokers", pool: kraft.brokers },
        ];
  return pools.flatMap(({ name, pool }) => (pool ? [{ name, pool }] : []));
}

/** Node IDs of one pool: `NODE_ID_BASE[pool] + ordinal` for ordinals 0..replicas-1. */
export function poolNodeIds(name: KafkaPoolName, replicas: number): number[] {
  return Array.from({ length: replicas }, (_, ordinal) => NODE_ID_BASE[name] + ordinal);
}

/** The image a cluster runs: `spec.image`, or the official `apache/kafka:<version>`. */
export function kafkaImage(spec: Pick<KafkaClusterSpec, "version" | "image">): string {
  return spec.image ?? `apache/kafka:${spec.version}`;
}
