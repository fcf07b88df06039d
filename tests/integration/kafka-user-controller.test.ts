/**
 * The KafkaUser controller end to end: the operator process as shipped, against the real control
 * plane, with the KafkaCluster `events` bound to the local Apache Kafka 4.4 broker
 * (PILOTHOUSE_OPERATOR_KAFKA_ENDPOINTS). Applying a KafkaUser creates its credentials Secret, its
 * SCRAM-SHA-512 credential and its ACLs: the client produces to and consumes from its topic and is
 * refused on another; deleting the KafkaUser removes its access.
 *
 * Needs the local platform: `./pilothouse up`, then source ~/.cache/pilothouse/state/dev/env.sh.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KafkaUser } from "@/lib/crds/kafka-user";
import {
  deleteScramUser,
  deleteTopic,
  ensureTopic,
  scramLoginWorks,
  setAcls,
} from "@/server/kafka";
import { eventually } from "./support/eventually";
import { clientAs, releaseBroker, startBroker, type LocalBroker } from "./support/kafka-broker";
import { kafkaUserApi } from "./support/kafka-objects";
import { startKafkaOperator, type KafkaOperatorFixture } from "./support/kafka-operator";

const suffix = randomBytes(3).toString("hex");
const namespace = `kafkauser-it-${suffix}`;
const shard = `kafkauser-${suffix}`;
const username = `pht-billing-${suffix}`;
const allowed = `pht-uctl-allowed-${suffix}`;
const denied = `pht-uctl-denied-${suffix}`;
let broker: LocalBroker;
let fixture: KafkaOperatorFixture<ReturnType<typeof kafkaUserApi>> | undefined;
let api: ReturnType<typeof kafkaUserApi>;
const alive = () => fixture?.operator.assertRunning();

beforeAll(async () => {
  broker = await startBroker();
  for (const name of [allowed, denied]) {
    await ensureTopic(broker.admin, { name, partitions: 1, replicationFactor: 1, configs: {} });
  }
  fixture = await startKafkaOperator(broker, { namespace, shard }, kafkaUserApi);
  api = fixture.api;
});

afterAll(async () => {
  await fixture?.stop();
  if (broker) {
    for (const name of [allowed, denied]) await deleteTopic(broker.admin, name);
    await setAcls(broker.admin, `User:${username}`, []);
    await deleteScramUser(broker.admin, username);
    await releaseBroker(broker);
  }
});

describe("KafkaUser through the operator on a real broker", () => {
  it("grants its ACLs with generated credentials, and removes them on delete", async () => {
    const started = performance.now();
    await api.create(username, {
      clusterName: "events",
      acls: [
        {
          resource: { type: "topic", name: allowed },
          operations: ["Read", "Write", "Describe"],
        },
        { resource: { type: "group", name: `${username}-group` }, operations: ["Read"] },
      ],
    });
    const secret = await eventually(
      "the credentials Secret",
      async () => {
        const found = await api.core.readNamespacedSecret({
          namespace,
          name: `${username}-kafka-user`,
        });
        return found.data?.password ? found : undefined;
      },
      { check: alive, intervalMs: 50 },
    );
    const password = Buffer.from(secret.data?.password ?? "", "base64").toString("utf8");
    const producer = clientAs(broker, username, password).producer();
    await eventually(
      "the first successful produce",
      async () => {
        await producer.connect();
        await producer.send({ topic: allowed, messages: [{ value: "hello" }] });
        return true;
      },
      { check: alive, intervalMs: 100 },
    );
    console.log(
      `KafkaUser's first produce ${Math.round(performance.now() - started)} ms after create`,
    );
    await expect(producer.send({ topic: denied, messages: [{ value: "no" }] })).rejects.toThrow(
      /authoriz/i,
    );
    await producer.disconnect();

    const user: KafkaUser = await eventually(
      "the KafkaUser to be Ready",
      async () => {
        const read = await api.read(username);
        return read?.status?.phase === "Ready" ? read : undefined;
      },
      { check: alive },
    );
    expect(user.status).toMatchObject({ username, secretName: `${username}-kafka-user`, acls: 4 });
    expect(user.metadata.finalizers).toContain("kafka.pilothouse.dev/user");

    const consumer = clientAs(broker, username, password).consumer({
      groupId: `${username}-group`,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [allowed], fromBeginning: true });
      const received = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no message in 30 s")), 30_000);
        void consumer.run({
          eachMessage: ({ message }) => {
            clearTimeout(timer);
            resolve(message.value?.toString() ?? "");
            return Promise.resolve();
          },
        });
      });
      expect(received).toBe("hello");
    } finally {
      await consumer.disconnect();
    }

    await api.delete(username);
    await eventually(
      "the KafkaUser to be gone",
      async () => ((await api.read(username)) === undefined ? true : undefined),
      { check: alive },
    );
    expect(await scramLoginWorks({ brokers: [broker.saslBootstrap] }, username, password)).toBe(
      false,
    );
  });
});
