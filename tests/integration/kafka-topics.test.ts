/**
 * Topic reconcile through the Kafka Admin API (`server/kafka`) against a real Apache Kafka 4.4
 * broker in KRaft mode (`platform/scripts/kafka.sh`): create, grow, reconfigure, refuse, delete.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterHealth, deleteTopic, ensureTopic } from "@/server/kafka";
import { eventually } from "./support/eventually";
import { clientAs, releaseBroker, startBroker, type LocalBroker } from "./support/kafka-broker";

const run = randomBytes(3).toString("hex");
const topicName = `pht-orders-${run}`;
let broker: LocalBroker;

beforeAll(async () => {
  broker = await startBroker();
});

afterAll(async () => {
  if (!broker) return;
  await deleteTopic(broker.admin, topicName);
  await releaseBroker(broker);
});

describe("topics", () => {
  it("creates, grows, reconfigures, refuses and deletes a topic", async () => {
    const started = Date.now();
    const created = await ensureTopic(broker.admin, {
      name: topicName,
      partitions: 2,
      replicationFactor: 1,
      configs: { "retention.ms": "3600000" },
    });
    console.log(`topic created in ${Date.now() - started} ms`);
    expect(created).toMatchObject({ outcome: "applied", created: true, partitions: 2 });

    const again = await ensureTopic(broker.admin, {
      name: topicName,
      partitions: 2,
      replicationFactor: 1,
      configs: { "retention.ms": "3600000" },
    });
    expect(again).toEqual({
      outcome: "applied",
      created: false,
      partitions: 2,
      replicationFactor: 1,
      changedConfigs: [],
    });

    const grown = await ensureTopic(broker.admin, {
      name: topicName,
      partitions: 4,
      replicationFactor: 1,
      configs: { "retention.ms": "7200000", "cleanup.policy": "compact" },
    });
    expect(grown).toMatchObject({ outcome: "applied", partitions: 4 });
    expect(grown.outcome === "applied" && grown.changedConfigs.sort()).toEqual([
      "cleanup.policy",
      "retention.ms",
    ]);
    const admin = clientAs(broker, "admin", broker.admin.sasl?.password ?? "").admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topicName] });
      expect(topics[0]?.partitions).toHaveLength(4);
      const { resources } = await admin.describeConfigs({
        resources: [{ type: 2, name: topicName, configNames: ["retention.ms", "cleanup.policy"] }],
        includeSynonyms: false,
      });
      const values = Object.fromEntries(
        (resources[0]?.configEntries ?? []).map((entry) => [entry.configName, entry.configValue]),
      );
      expect(values).toEqual({ "retention.ms": "7200000", "cleanup.policy": "compact" });
    } finally {
      await admin.disconnect();
    }

    const shrink = await ensureTopic(broker.admin, {
      name: topicName,
      partitions: 3,
      replicationFactor: 1,
      configs: {},
    });
    expect(shrink).toMatchObject({ outcome: "refused", reason: "PartitionsCannotShrink" });

    const tooWide = await ensureTopic(broker.admin, {
      name: `${topicName}-wide`,
      partitions: 1,
      replicationFactor: 3,
      configs: {},
    });
    expect(tooWide).toEqual({
      outcome: "refused",
      reason: "ReplicationFactorTooLarge",
      message: "replication factor 3 is larger than the 1 broker(s) online",
    });

    expect(await deleteTopic(broker.admin, topicName)).toBe(true);
    await eventually("the topic to be gone", async () => {
      const health = await clusterHealth(broker.admin, { groups: false });
      const adminClient = clientAs(broker, "admin", broker.admin.sasl?.password ?? "").admin();
      await adminClient.connect();
      const names = await adminClient.listTopics().finally(() => adminClient.disconnect());
      return health.reachable && !names.includes(topicName) ? true : undefined;
    });
    expect(await deleteTopic(broker.admin, topicName)).toBe(false);
  });
});
