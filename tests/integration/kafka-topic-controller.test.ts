/**
 * The KafkaTopic controller end to end: the operator process as shipped, against the real control
 * plane, with the KafkaCluster `events` bound to the local Apache Kafka 4.4 broker through the
 * operator's one seam from cluster to address (PILOTHOUSE_OPERATOR_KAFKA_ENDPOINTS). Applying a
 * KafkaTopic creates the topic, changing it grows it and changes its settings, a replication
 * factor above the broker count is refused with its reason, and deleting it deletes the topic.
 *
 * Needs the local platform: `./pilothouse up`, then source ~/.cache/pilothouse/state/dev/env.sh.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KafkaTopic } from "@/lib/crds/kafka-topic";
import { deleteTopic } from "@/server/kafka";
import { eventually } from "./support/eventually";
import { clientAs, releaseBroker, startBroker, type LocalBroker } from "./support/kafka-broker";
import { eventsOf, kafkaTopicApi } from "./support/kafka-objects";
import { startKafkaOperator, type KafkaOperatorFixture } from "./support/kafka-operator";

const suffix = randomBytes(3).toString("hex");
const namespace = `kafkatopic-it-${suffix}`;
const shard = `kafkatopic-${suffix}`;
const topicName = `pht-ctl-${suffix}`;
let broker: LocalBroker;
let fixture: KafkaOperatorFixture<ReturnType<typeof kafkaTopicApi>> | undefined;
let api: ReturnType<typeof kafkaTopicApi>;
const alive = () => fixture?.operator.assertRunning();

function topicWhere(name: string, what: string, predicate: (topic: KafkaTopic) => boolean) {
  return eventually(
    what,
    async () => {
      const topic = await api.read(name);
      return topic && predicate(topic) ? topic : undefined;
    },
    { check: alive, timeoutMs: 60_000, intervalMs: 100 },
  );
}

const ready = (topic: KafkaTopic) =>
  topic.status?.conditions?.find((c) => c.type === "Ready")?.status === "True" &&
  topic.status.observedGeneration === topic.metadata.generation;

async function kafkaPartitions(name: string): Promise<number | undefined> {
  const client = clientAs(broker, "admin", broker.admin.sasl?.password ?? "").admin();
  await client.connect();
  try {
    if (!(await client.listTopics()).includes(name)) return undefined;
    const { topics } = await client.fetchTopicMetadata({ topics: [name] });
    return topics[0]?.partitions.length;
  } finally {
    await client.disconnect();
  }
}

beforeAll(async () => {
  broker = await startBroker();
  fixture = await startKafkaOperator(broker, { namespace, shard }, kafkaTopicApi);
  api = fixture.api;
});

afterAll(async () => {
  await fixture?.stop();
  if (broker) {
    await deleteTopic(broker.admin, topicName);
    await releaseBroker(broker);
  }
});

describe("KafkaTopic through the operator on a real broker", () => {
  it("creates, grows, reconfigures and deletes the topic", async () => {
    const started = performance.now();
    await api.create("orders", {
      clusterName: "events",
      topicName,
      partitions: 2,
      configs: { "retention.ms": "3600000" },
    });
    const created = await topicWhere("orders", "the KafkaTopic to be Ready", ready);
    console.log(`KafkaTopic Ready ${Math.round(performance.now() - started)} ms after create`);
    expect(created.metadata.finalizers).toContain("kafka.pilothouse.dev/topic");
    expect(created.status).toMatchObject({ phase: "Ready", topicName, partitions: 2 });
    expect(await kafkaPartitions(topicName)).toBe(2);

    await api.patchSpec("orders", { partitions: 4, configs: { "retention.ms": "7200000" } });
    await topicWhere(
      "orders",
      "4 partitions applied",
      (t) => ready(t) && t.status?.partitions === 4,
    );
    expect(await kafkaPartitions(topicName)).toBe(4);

    await expect(api.patchSpec("orders", { partitions: 3 })).rejects.toThrow(
      /spec\.partitions: Invalid value.*partitions can only grow/,
    );

    await api.delete("orders");
    await eventually(
      "the KafkaTopic to be gone",
      async () => ((await api.read("orders")) === undefined ? true : undefined),
      { check: alive },
    );
    expect(await kafkaPartitions(topicName)).toBeUndefined();
  });

  it("refuses a replication factor above the broker count, with the reason", async () => {
    await api.create("wide", {
      clusterName: "events",
      topicName: `${topicName}-wide`,
      replicationFactor: 3,
    });
    const refused = await topicWhere("wide", "the refusal", (t) => t.status?.phase === "Refused");
    expect(refused.status?.conditions?.find((c) => c.type === "Ready")).toMatchObject({
      status: "False",
      reason: "ReplicationFactorTooLarge",
      message: "replication factor 3 is larger than the 1 broker(s) online",
    });
    expect(await kafkaPartitions(`${topicName}-wide`)).toBeUndefined();
    const events = await eventually("the refusal's Event", async () => {
      const list = await eventsOf(api.core, namespace, "KafkaTopic", "wide");
      return list.length > 0 ? list : undefined;
    });
    expect(events).toEqual([
      "Warning ReplicationFactorTooLarge: replication factor 3 is larger than the 1 broker(s) online",
    ]);
    await api.delete("wide");
    await eventually(
      "the refused KafkaTopic to be gone",
      async () => ((await api.read("wide")) === undefined ? true : undefined),
      { check: alive },
    );
  });
});
