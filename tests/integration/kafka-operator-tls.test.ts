/**
 * The operator's own Admin API connection over TLS, end to end on the real Apache Kafka 4.4
 * broker: a KafkaCluster `events` with `listeners.internal.tls: true` (on KWOK), its CA and broker
 * certificate made by the operator, and a scratch broker (`kafka.sh` with KAFKA_TLS_DIR) serving
 * SASL_SSL with exactly that broker certificate. The cluster is bound to the broker's SASL_SSL
 * address through the endpoint seam (PILOTHOUSE_OPERATOR_KAFKA_ENDPOINTS with `tls: true`): the
 * operator trusts the CA from the cluster's Secret `events-kafka-ca` and checks the broker's
 * certificate for `events-kafka-bootstrap.<namespace>.svc`. A KafkaTopic becomes Ready (kafkajs
 * over TLS), and a KafkaUser's SCRAM credential (set with the operator's own
 * AlterUserScramCredentials over node:tls) and ACLs let a client trusting the CA from the
 * ConfigMap `events-kafka-ca-cert` produce to its topic over TLS.
 *
 * Needs the local platform (`source ~/.cache/pilothouse/state/<profile>/env.sh`), Java 17+ and
 * the Kafka jars (`platform/scripts/kafka.sh`).
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { KubeConfig } from "@kubernetes/client-node";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "./support/eventually";
import { startScratchBroker, type ScratchBroker } from "./support/kafka-broker";
import { kafkaClusterApi, kafkaTopicApi, kafkaUserApi } from "./support/kafka-objects";
import {
  installOperatorManifests,
  kubeConfigFrom,
  platformKubeconfigs,
} from "./support/kube-admin";
import { OperatorProcess } from "./support/operator-process";

/** Ports of this test's broker: the profile's shifted by this much (others use 50-80). */
const PORT_SHIFT = 90;
const suffix = randomBytes(3).toString("hex");
const namespace = `kafkatls-it-${suffix}`;
const shard = `kafkatls-${suffix}`;
const cluster = "events";
const topicName = `pht-tls-orders-${suffix}`;
const username = `pht-tls-billing-${suffix}`;
const bootstrapName = `${cluster}-kafka-bootstrap.${namespace}.svc`;
let admin: KubeConfig | undefined;
let clusters: ReturnType<typeof kafkaClusterApi>;
let topics: ReturnType<typeof kafkaTopicApi>;
let users: ReturnType<typeof kafkaUserApi>;
let broker: ScratchBroker | undefined;
let operator: OperatorProcess | undefined;
let caFromConfigMap = "";
const alive = () => operator?.assertRunning();

const text = (value: string | undefined) => Buffer.from(value ?? "", "base64").toString("utf8");

/** A kafkajs client of the broker's SASL_SSL listener trusting `ca` for the bootstrap name. */
function tlsClient(user: string, password: string, ca: string): Kafka {
  return new Kafka({
    clientId: `test-${user}`,
    brokers: [broker?.sslBootstrap ?? ""],
    ssl: { ca: [ca], servername: bootstrapName },
    sasl: { mechanism: "scram-sha-512", username: user, password },
    connectionTimeout: 5_000,
    retry: { retries: 1, initialRetryTime: 200 },
    logLevel: logLevel.NOTHING,
  });
}

beforeAll(async () => {
  const kubeconfigs = platformKubeconfigs();
  admin = kubeConfigFrom(kubeconfigs.admin);
  await installOperatorManifests(admin);
  clusters = kafkaClusterApi(admin, namespace, shard);
  topics = kafkaTopicApi(admin, namespace, shard);
  users = kafkaUserApi(admin, namespace, shard);
  const core = clusters.core;
  await core.createNamespace({ body: { metadata: { name: namespace } } });

  // First the operator makes the cluster's CA and broker certificate; the broker then serves
  // them, and (its admin password known only once it is formatted) the operator is started again
  // bound to it.
  const certifier = await OperatorProcess.start(kubeconfigs.operator, shard, {
    identity: `integration-${shard}-certificates`,
  });
  await clusters.create(cluster, {
    kraft: { mode: "combined", combined: { replicas: 1, storage: { size: "1Gi" } } },
    listeners: { internal: { tls: true, authentication: "scram-sha-512" } },
  });
  const brokerTls = await eventually(
    "the broker TLS Secret made by the operator",
    async () => {
      const secret = await core
        .readNamespacedSecret({ namespace, name: `${cluster}-kafka-broker-tls` })
        .catch(() => undefined);
      return secret?.data?.["broker.pem"] ? secret : undefined;
    },
    { check: () => certifier.assertRunning(), timeoutMs: 60_000, intervalMs: 200 },
  );
  await certifier.stop();
  await OperatorProcess.removeLease(admin, shard);
  const configMap = await core.readNamespacedConfigMap({
    namespace,
    name: `${cluster}-kafka-ca-cert`,
  });
  caFromConfigMap = configMap.data?.["ca.crt"] ?? "";

  const state = await mkdtemp(join(tmpdir(), "pht-kafka-operator-tls-"));
  const tlsDir = join(state, "tls");
  await mkdir(tlsDir);
  await writeFile(join(tlsDir, "broker.pem"), text(brokerTls.data?.["broker.pem"]), {
    mode: 0o600,
  });
  await writeFile(join(tlsDir, "ca.crt"), text(brokerTls.data?.["ca.crt"]));
  broker = await startScratchBroker(state, PORT_SHIFT, { KAFKA_TLS_DIR: tlsDir });

  operator = await OperatorProcess.start(kubeconfigs.operator, shard, {
    env: {
      PILOTHOUSE_OPERATOR_KAFKA_ENDPOINTS: JSON.stringify({
        [`${namespace}/${cluster}`]: {
          brokers: [broker.sslBootstrap],
          sasl: broker.admin.sasl,
          tls: true,
        },
      }),
    },
  });
}, 300_000);

afterAll(async () => {
  // The operator releases the finalizers: delete while it runs, or the namespace never goes.
  if (operator) {
    for (const [api, name] of [
      [topics, topicName],
      [users, username],
      [clusters, cluster],
    ] as const) {
      await api?.delete(name).catch(() => undefined);
      await eventually(
        `${name} to be gone`,
        async () => ((await api.read(name)) === undefined ? true : undefined),
        { timeoutMs: 60_000 },
      ).catch(() => undefined);
    }
  }
  await operator?.stop();
  if (admin) await OperatorProcess.removeLease(admin, shard);
  await clusters?.core.deleteNamespace({ name: namespace }).catch(() => undefined);
  await broker?.remove();
}, 240_000);

describe("the operator's Admin API connection over the cluster's TLS listener", () => {
  it("serves the operator's broker certificate, trusted only through the cluster CA", async () => {
    expect(broker?.sslBootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(caFromConfigMap).toContain("-----BEGIN CERTIFICATE-----");
    const password = broker?.admin.sasl?.password ?? "";
    const trusted = tlsClient("admin", password, caFromConfigMap).admin();
    await trusted.connect();
    await trusted.disconnect();
    const untrusted = new Kafka({
      clientId: "test-untrusted",
      brokers: [broker?.sslBootstrap ?? ""],
      ssl: { servername: bootstrapName },
      sasl: { mechanism: "scram-sha-512", username: "admin", password },
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    }).admin();
    await expect(untrusted.connect()).rejects.toThrow(/self[- ]signed|unable to (get|verify)/i);
  }, 60_000);

  it("creates a KafkaTopic over TLS and reports it Ready", async () => {
    const started = performance.now();
    await topics.create(topicName, {
      clusterName: cluster,
      partitions: 2,
      replicationFactor: 1,
      configs: { "retention.ms": "3600000" },
    });
    const topic = await eventually(
      "the KafkaTopic to be Ready",
      async () => {
        const read = await topics.read(topicName);
        return read?.status?.phase === "Ready" ? read : undefined;
      },
      { check: alive, timeoutMs: 60_000, intervalMs: 100 },
    );
    console.log(`KafkaTopic Ready over TLS ${Math.round(performance.now() - started)} ms`);
    expect(topic.status).toMatchObject({ topicName, partitions: 2 });
    const kafkaAdmin = tlsClient(
      "admin",
      broker?.admin.sasl?.password ?? "",
      caFromConfigMap,
    ).admin();
    await kafkaAdmin.connect();
    try {
      const metadata = await kafkaAdmin.fetchTopicMetadata({ topics: [topicName] });
      expect(metadata.topics[0]?.partitions).toHaveLength(2);
    } finally {
      await kafkaAdmin.disconnect();
    }
  }, 90_000);

  it("gives a KafkaUser SCRAM credentials and ACLs that work over TLS", async () => {
    const started = performance.now();
    await users.create(username, {
      clusterName: cluster,
      acls: [
        {
          resource: { type: "topic", name: topicName },
          operations: ["Write", "Describe"],
        },
      ],
    });
    const secret = await eventually(
      "the credentials Secret",
      async () => {
        const found = await users.core
          .readNamespacedSecret({ namespace, name: `${username}-kafka-user` })
          .catch(() => undefined);
        return found?.data?.password ? found : undefined;
      },
      { check: alive, intervalMs: 100 },
    );
    const producer = tlsClient(username, text(secret.data?.password), caFromConfigMap).producer();
    await eventually(
      "the KafkaUser's first produce over TLS",
      async () => {
        await producer.connect();
        await producer.send({ topic: topicName, messages: [{ value: "over TLS" }] });
        return true;
      },
      { check: alive, timeoutMs: 60_000, intervalMs: 200 },
    );
    console.log(`KafkaUser's first produce over TLS ${Math.round(performance.now() - started)} ms`);
    await producer.disconnect();
    const user = await eventually(
      "the KafkaUser to be Ready",
      async () => {
        const read = await users.read(username);
        return read?.status?.phase === "Ready" ? read : undefined;
      },
      { check: alive },
    );
    expect(user.status).toMatchObject({ username, secretName: `${username}-kafka-user` });
    const wrong = tlsClient(username, "not-the-password", caFromConfigMap).producer();
    await expect(wrong.connect()).rejects.toThrow(/authenticat/i);
  }, 120_000);
});
