import "server-only";
import type { Admin } from "kafkajs";
import { withAdmin, type KafkaEndpoint } from "./connection";

/** One consumer group's lag on one topic: messages behind the end of its partitions. */
export interface TopicLag {
  topic: string;
  /** Sum over the topic's partitions of (high watermark - committed offset), messages. */
  lag: number;
}

/** One consumer group's lag: messages behind the end of its topics' partitions. */
export interface GroupLag {
  groupId: string;
  /** Sum of `topics[].lag`, messages. */
  lag: number;
  /** Each topic the group has committed offsets on, by name. */
  topics: TopicLag[];
}

/** What {@link clusterHealth} saw. `reachable: false` means no broker answered. */
export type ClusterHealth =
  | { reachable: false; error: string }
  | {
      reachable: true;
      clusterId: string;
      /** Node ID of the active controller, -1 when none is known. */
      controller: number;
      brokers: number[];
      topics: number;
      partitions: number;
      /** Partitions without a leader: unreadable and unwritable. */
      offlinePartitions: number;
      /** Partitions whose in-sync replica set is smaller than their replica set. */
      underReplicatedPartitions: number;
      groups: GroupLag[];
    };

/**
 * Lag of every consumer group (ListGroups, then OffsetFetch per group) against the partitions'
 * high watermarks (ListOffsets, once per topic). A partition without a committed offset (-1)
 * counts as no lag: the group never consumed it.
 */
async function groupLags(admin: Admin): Promise<GroupLag[]> {
  const { groups } = await admin.listGroups();
  const highWatermarks = new Map<string, Map<number, bigint>>();
  const lags: GroupLag[] = [];
  for (const { groupId } of groups) {
    const topics: TopicLag[] = [];
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
      let ends = highWatermarks.get(topic);
      if (!ends) {
        const offsets = await admin.fetchTopicOffsets(topic);
        ends = new Map(offsets.map((entry) => [entry.partition, BigInt(entry.high)]));
        highWatermarks.set(topic, ends);
      }
      let lag = 0n;
      for (const { partition, offset } of partitions) {
        const high = ends.get(partition) ?? 0n;
        const committed = BigInt(offset);
        if (committed >= 0n && high > committed) lag += high - committed;
      }
      topics.push({ topic, lag: Number(lag) });
    }
    topics.sort((a, b) => a.topic.localeCompare(b.topic));
    lags.push({ groupId, lag: topics.reduce((sum, t) => sum + t.lag, 0), topics });
  }
  return lags.sort((a, b) => a.groupId.localeCompare(b.groupId));
}

/**
 * The cluster's health through the Admin API: brokers online and the controller
 * (DescribeCluster via Metadata), offline and under-replicated partitions (topic metadata: no
 * leader; ISR smaller than replicas), and each consumer group's lag (committed offsets against
 * high watermarks). Never throws for an unreachable cluster: it says so.
 *
 * @param options.groups read consumer-group lag too (one request per group; default true).
 * @see https://kafka.apache.org/documentation/#monitoring
 */
export async function clusterHealth(
  endpoint: KafkaEndpoint,
  options: { groups?: boolean } = {},
): Promise<ClusterHealth> {
  try {
    return await withAdmin(endpoint, async (admin) => {
      const cluster = await admin.describeCluster();
      const { topics } = await admin.fetchTopicMetadata();
      const partitions = topics.flatMap((topic) => topic.partitions);
      return {
        reachable: true,
        clusterId: cluster.clusterId,
        controller: cluster.controller ?? -1,
        brokers: cluster.brokers.map((broker) => broker.nodeId).sort((a, b) => a - b),
        topics: topics.length,
        partitions: partitions.length,
        offlinePartitions: partitions.filter((p) => p.leader < 0 || p.partitionErrorCode === 72)
          .length,
        underReplicatedPartitions: partitions.filter((p) => p.isr.length < p.replicas.length)
          .length,
        groups: options.groups === false ? [] : await groupLags(admin),
      };
    });
  } catch (error) {
    return { reachable: false, error: error instanceof Error ? error.message : String(error) };
  }
}
