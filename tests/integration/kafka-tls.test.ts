/**
 * TLS listeners on the real Apache Kafka 4.4 broker: a scratch broker (`kafka.sh` with
 * KAFKA_TLS_DIR) serves SASL_SSL from PEM files made by the operator's own certificate code
 * (`certificates.ts`: cluster CA, broker certificate, PEM key store) with the SSL settings the
 * operator renders. A kafkajs client trusting the cluster CA logs in with SCRAM-SHA-512 over TLS
 * and produces and consumes; a client without the CA is refused during the TLS handshake.
 *
 * Needs Java 17+ and the Kafka jars (`platform/scripts/kafka.sh`); no control plane.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel, type KafkaConfig } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createClusterCa,
  issueServerCertificate,
  keyStorePem,
  type PemKeyPair,
} from "@/server/operator/kafka-cluster/certificates";
import { startScratchBroker, type ScratchBroker } from "./support/kafka-broker";

/** Ports of this test's broker: the profile's shifted by this much (others use 50, 70, 80). */
const PORT_SHIFT = 60;
const topic = "pht-tls";
let broker: ScratchBroker | undefined;
let ca: PemKeyPair;

/** A client of the SASL_SSL listener as the admin; `retries` as kafkajs counts them. */
function tlsClient(ssl: KafkaConfig["ssl"], retries: number): Kafka {
  return new Kafka({
    clientId: "test-tls",
    brokers: [broker?.sslBootstrap ?? ""],
    ssl,
    sasl: {
      mechanism: "scram-sha-512",
      username: broker?.admin.sasl?.username ?? "",
      password: broker?.admin.sasl?.password ?? "",
    },
    connectionTimeout: 5_000,
    retry: { retries, initialRetryTime: 300 },
    logLevel: logLevel.NOTHING,
  });
}

beforeAll(async () => {
  const state = await mkdtemp(join(tmpdir(), "pht-kafka-tls-"));
  const tlsDir = join(state, "tls");
  await mkdir(tlsDir);
  const now = new Date();
  ca = await createClusterCa("kafka-tls-it cluster CA", now);
  const server = await issueServerCertificate(ca, ["localhost", "127.0.0.1"], now);
  await writeFile(join(tlsDir, "broker.pem"), keyStorePem(server, ca.certificate), {
    mode: 0o600,
  });
  await writeFile(join(tlsDir, "ca.crt"), ca.certificate);
  broker = await startScratchBroker(state, PORT_SHIFT, { KAFKA_TLS_DIR: tlsDir });
}, 240_000);

afterAll(async () => {
  await broker?.remove();
}, 120_000);

describe("Kafka TLS listener from the operator's certificates", () => {
  it("lets a client trusting the cluster CA produce and consume with SCRAM over TLS", async () => {
    expect(broker?.sslBootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
    const kafka = tlsClient({ ca: [ca.certificate] }, 8);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer();
    await producer.connect();
    await producer
      .send({ topic, messages: [{ value: "over TLS" }] })
      .finally(() => producer.disconnect());
    const consumer = kafka.consumer({ groupId: "pht-tls-group" });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const value = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("nothing consumed in 30 s")), 30_000);
        void consumer.run({
          eachMessage: ({ message }) => {
            clearTimeout(timer);
            resolve(message.value?.toString() ?? "");
            return Promise.resolve();
          },
        });
      });
      expect(value).toBe("over TLS");
    } finally {
      await consumer.disconnect();
    }
  }, 90_000);

  it("refuses a client that does not trust the cluster CA", async () => {
    const admin = tlsClient(true, 0).admin();
    const refusal = await admin.connect().then(
      () => "connected",
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    await admin.disconnect();
    expect(refusal).toMatch(/self[- ]signed certificate|unable to (get|verify)/i);
  }, 30_000);
});
