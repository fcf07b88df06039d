import "server-only";
import kafkajs, { type Admin, type KafkaJSProtocolError } from "kafkajs";
import { withAdmin, type KafkaEndpoint } from "./connection";

// kafkajs is CommonJS; Node's ESM loader cannot see its enum exports as named imports.
const { ConfigResourceTypes } = kafkajs;

/** The desired state of one topic (the KafkaTopic spec, name resolved). */
export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Topic settings (`retention.ms`, ...): the topic's complete set of overrides. */
  configs: Record<string, string>;
}

/** What {@link ensureTopic} found and did. */
export type EnsureTopicResult =
  | {
      outcome: "applied";
      created: boolean;
      partitions: number;
      replicationFactor: number;
      /** Keys whose value was changed by this call. */
      changedConfigs: string[];
    }
  | {
      outcome: "refused";
      reason: "ReplicationFactorTooLarge" | "PartitionsCannotShrink" | "ReplicationFactorChanged";
      message: string;
    };

/**
 * True when `error`, or an error it wraps (kafkajs retries retriable errors and then throws
 * `KafkaJSNumberOfRetriesExceeded` with the last one as `cause`), is the Kafka error `type`.
 */
export function isKafkaError(error: unknown, type: string): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if ((current as Partial<KafkaJSProtocolError>).type === type) return true;
    current = current.cause;
  }
  return false;
}

async function describeTopic(admin: Admin, name: string) {
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
    return topics[0];
  } catch (error) {
    if (isKafkaError(error, "UNKNOWN_TOPIC_OR_PARTITION")) return undefined;
    throw error;
  }
}

async function currentConfigs(admin: Admin, name: string, keys: string[]) {
  if (keys.length === 0) return new Map<string, string | null>();
  const { resources } = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name, configNames: keys }],
    includeSynonyms: false,
  });
  return new Map(
    (resources[0]?.configEntries ?? []).map((entry) => [
      entry.configName,
      entry.isDefault ? null : entry.configValue,
    ]),
  );
}

/**
 * Makes topic `spec.name` exist with at least `spec.partitions` partitions and the given settings:
 * creates it, adds partitions, or changes settings in place. Settings go through `AlterConfigs`
 * (kafkajs has no IncrementalAlterConfigs), which replaces the topic's whole set of dynamic
 * settings: a setting not in `spec.configs` returns to the broker default when any setting changes. Refuses — without changing anything — a replication factor
 * larger than the brokers online, fewer partitions than the topic has, or a changed replication
 * factor (a reassignment, not a setting).
 *
 * @throws kafkajs errors when the cluster cannot be reached or refuses a request.
 * @see https://kafka.apache.org/documentation/#basic_ops_add_topic
 * @see https://kafka.apache.org/protocol#The_Messages_CreatePartitions
 */
export async function ensureTopic(
  endpoint: KafkaEndpoint,
  spec: TopicSpec,
): Promise<EnsureTopicResult> {
  return withAdmin(endpoint, async (admin) => {
    const existing = await describeTopic(admin, spec.name);
    const configEntries = Object.entries(spec.configs).map(([name, value]) => ({ name, value }));
    if (!existing) {
      const { brokers } = await admin.describeCluster();
      if (spec.replicationFactor > brokers.length) {
        return {
          outcome: "refused",
          reason: "ReplicationFactorTooLarge",
          message: `replication factor ${spec.replicationFactor} is larger than the ${brokers.length} broker(s) online`,
        };
      }
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: spec.name,
            numPartitions: spec.partitions,
            replicationFactor: spec.replicationFactor,
            configEntries,
          },
        ],
      });
      return {
        outcome: "applied",
        created: true,
        partitions: spec.partitions,
        replicationFactor: spec.replicationFactor,
        changedConfigs: Object.keys(spec.configs),
      };
    }
    const partitions = existing.partitions.length;
    const replicationFactor = existing.partitions[0]?.replicas.length ?? 0;
    if (spec.partitions < partitions) {
      return {
        outcome: "refused",
        reason: "PartitionsCannotShrink",
        message: `topic ${spec.name} has ${partitions} partitions; Kafka cannot remove partitions (asked for ${spec.partitions})`,
      };
    }
    if (spec.replicationFactor !== replicationFactor) {
      return {
        outcome: "refused",
        reason: "ReplicationFactorChanged",
        message: `topic ${spec.name} has replication factor ${replicationFactor}; changing it needs a partition reassignment (asked for ${spec.replicationFactor})`,
      };
    }
    if (spec.partitions > partitions) {
      await admin.createPartitions({
        topicPartitions: [{ topic: spec.name, count: spec.partitions }],
      });
    }
    const current = await currentConfigs(admin, spec.name, Object.keys(spec.configs));
    const changed = configEntries.filter(({ name, value }) => current.get(name) !== value);
    if (changed.length > 0) {
      // AlterConfigs (not incremental) replaces every dynamic setting: send the whole managed set.
      await admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: spec.name, configEntries }],
      });
    }
    return {
      outcome: "applied",
      created: false,
      partitions: spec.partitions,
      replicationFactor,
      changedConfigs: changed.map(({ name }) => name),
    };
  });
}

/**
 * Deletes topic `name`; a topic that does not exist counts as deleted.
 *
 * @returns true when this call deleted it, false when it was already gone.
 * @see https://kafka.apache.org/protocol#The_Messages_DeleteTopics
 */
export async function deleteTopic(endpoint: KafkaEndpoint, name: string): Promise<boolean> {
  return withAdmin(endpoint, async (admin) => {
    try {
      await admin.deleteTopics({ topics: [name] });
      return true;
    } catch (error) {
      if (isKafkaError(error, "UNKNOWN_TOPIC_OR_PARTITION")) return false;
      throw error;
    }
  });
}
