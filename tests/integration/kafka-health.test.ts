/**
 * Cluster health through the Kafka Admin API (`server/kafka`) against a real Apache Kafka 4.4
 * broker (`platform/scripts/kafka.sh`): brokers, controller, partitions and consumer-group lag,
 * then a broker stop (unreachable) and start (recovered).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterHealth, deleteTopic, ensureTopic } from "@/server/kafka";
import { eventually } from "./support/eventually";
import {
  clientAs,
  kafkaScript,
  releaseBroker,
  startBroker,
  type LocalBroker,
} from "./support/kafka-broker";

const run = randomBytes(3).toString("hex");
const topic = `pht-health-${run}`;
const group = `pht-health-group-${run}`;
let broker: LocalBroker;

beforeAll(async () => {
  broker = await startBroker();
  await ensureTopic(broker.admin, {
    name: topic,
    partitions: 2,
    replicationFactor: 1,
    configs: {},
  });
});

afterAll(async () => {
  if (!broker) return;
  await startBroker(); // the test stops it; start it again as it was found
  const admin = clientAs(broker, "admin", broker.admin.sasl?.password ?? "").admin();
  await admin.connect();
  await admin.deleteGroups([group]).finally(() => admin.disconnect());
  await deleteTopic(broker.admin, topic);
  await releaseBroker(broker);
});

describe("cluster health", () => {
  it("reports brokers, controller, partitions and consumer-group lag", async () => {
    const kafka = clientAs(broker, "admin", broker.admin.sasl?.password ?? "");
    const producer = kafka.producer();
    await producer.connect();
    await producer
      .send({
        topic,
        messages: ["a", "b", "c", "d", "e"].map((value) => ({ value, partition: 0 })),
      })
      .finally(() => producer.disconnect());
    const admin = kafka.admin();
    await admin.connect();
    await admin
      .setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: "2" }] })
      .finally(() => admin.disconnect());

    const health = await clusterHealth(broker.admin);
    expect(health).toMatchObject({
      reachable: true,
      clusterId: broker.clusterId,
      controller: 1,
      brokers: [1],
      offlinePartitions: 0,
      underReplicatedPartitions: 0,
    });
    expect(health.reachable && health.partitions).toBeGreaterThanOrEqual(2);
    expect(health.reachable && health.groups.find((g) => g.groupId === group)).toEqual({
      groupId: group,
      lag: 3,
      topics: [{ topic, lag: 3 }],
    });
  });

  it("says the cluster is unreachable while the broker is stopped, and recovers", async () => {
    await kafkaScript("stop");
    const started = Date.now();
    const down = await clusterHealth(broker.admin, { groups: false });
    console.log(`unreachable reported in ${Date.now() - started} ms`);
    expect(down).toMatchObject({ reachable: false });

    await startBroker();
    const up = await eventually("the broker to answer again", async () => {
      const health = await clusterHealth(broker.admin, { groups: false });
      return health.reachable ? health : undefined;
    });
    expect(up).toMatchObject({ clusterId: broker.clusterId, brokers: [1], offlinePartitions: 0 });
  });
});
