import "server-only";
import type { Admin } from "kafkajs";
import { withAdmin, type KafkaEndpoint } from "./connection";

/** One consumer group's lag: messages behind the end of its topics' partitions. */
export interface GroupLag {
  groupId: string;
  /** Sum over partitions of (high watermark - committed offset), messages. */
  lag: number;
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

async function groupLags(admin: Admin): Promise<GroupLag[]> {
  const { groups } = await admin.listGroups();
  const highWatermarks = new Map<string, bigint>();
  const lags: GroupLag[] = [];
  for (const { groupId } of groups) {
    let lag = 0n;
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
      if (!highWatermarks.has(`${topic}/0`)) {
        for (const entry of await admin.fetchTopicOffsets(topic)) {
          highWatermarks.set(`${topic}/${entry.partition}`, BigInt(entry.high));
        }
      }
      for (const { partition, offset } of partitions) {
        const high = highWatermarks.get(`${topic}/${partition}`) ?? 0n;
        const committed = BigInt(offset);
        if (committed >= 0n && high > committed) lag += high - committed;
      }
    }
    lags.push({ groupId, lag: Number(lag) });
  }
  return lags;
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
