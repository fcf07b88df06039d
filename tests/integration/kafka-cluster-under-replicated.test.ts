/**
 * A KafkaCluster (KWOK pods, the real control plane) whose Admin API is a real two-broker Apache
 * Kafka 4.4 cluster of its own (`kafka.sh` scratch nodes: node 1 broker and controller, node 2 a
 * broker that joins it). Stopping broker 2 leaves the topic's partitions under-replicated: the
 * cluster turns Degraded with reason UnderReplicatedPartitions and a Warning Event, and a rolling
 * restart for a new configuration waits — no pod is deleted — until broker 2 is back and the
 * partitions are in sync again; then it rolls and the cluster recovers with a Normal Event.
 *
 * Needs the local platform: `./pilothouse up`, then source ~/.cache/pilothouse/state/dev/env.sh.
 */
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KafkaCluster } from "@/lib/crds/kafka-cluster";
import { ensureTopic } from "@/server/kafka";
import { eventually } from "./support/eventually";
import { startScratchBroker, type ScratchBroker } from "./support/kafka-broker";
import { eventsOf, kafkaClusterApi } from "./support/kafka-objects";
import {
  installOperatorManifests,
  kubeConfigFrom,
  platformKubeconfigs,
} from "./support/kube-admin";
import { OperatorProcess } from "./support/operator-process";

const suffix = randomBytes(3).toString("hex");
const namespace = `kafkaurp-it-${suffix}`;
const shard = `kafkaurp-${suffix}`;
const name = "events";
/** Ports of the two scratch nodes, past the profile's own broker's (and the SCRAM test's). */
const [SHIFT_1, SHIFT_2] = [70, 80];
let node1: ScratchBroker | undefined;
let node2: ScratchBroker | undefined;
let admin: KubeConfig | undefined;
let api: ReturnType<typeof kafkaClusterApi>;
let operator: OperatorProcess | undefined;
const alive = () => operator?.assertRunning();

beforeAll(async () => {
  const state = (node: string) => join(tmpdir(), `pilothouse-kafka-urp-${suffix}-${node}`);
  node1 = await startScratchBroker(state("1"), SHIFT_1);
  const controllerPort = 9094 + Number(process.env.PILOTHOUSE_PORT_OFFSET ?? 0) + SHIFT_1;
  node2 = await startScratchBroker(state("2"), SHIFT_2, {
    KAFKA_JOIN: `${node1.clusterId}@127.0.0.1:${controllerPort}`,
    KAFKA_NODE_ID: "2",
    KAFKA_ADMIN_PASSWORD: node1.admin.sasl?.password ?? "",
  });
  await eventually("two brokers", async () => {
    const applied = await ensureTopic(node1!.admin, {
      name: "orders",
      partitions: 3,
      replicationFactor: 2,
      configs: {},
    });
    return applied.outcome === "applied" ? applied : undefined;
  });
  const kubeconfigs = platformKubeconfigs();
  admin = kubeConfigFrom(kubeconfigs.admin);
  await installOperatorManifests(admin);
  api = kafkaClusterApi(admin, namespace, shard);
  await api.core.createNamespace({ body: { metadata: { name: namespace } } });
  operator = await OperatorProcess.start(kubeconfigs.operator, shard, {
    env: {
      PILOTHOUSE_OPERATOR_KAFKA_ENDPOINTS: JSON.stringify({
        [`${namespace}/${name}`]: node1.admin,
      }),
    },
  });
});

afterAll(async () => {
  if (operator && api) {
    await api.delete(name).catch(() => undefined);
    await eventually("the KafkaCluster to be gone", async () =>
      (await api.read(name)) === undefined ? true : undefined,
    );
  }
  await operator?.stop();
  if (admin) await OperatorProcess.removeLease(admin, shard);
  await api?.core.deleteNamespace({ name: namespace }).catch(() => undefined);
  await node2?.remove();
  await node1?.remove();
});

function clusterWhere(what: string, predicate: (cluster: KafkaCluster) => boolean) {
  return eventually(
    what,
    async () => {
      const cluster = await api.read(name);
      return cluster && predicate(cluster) ? cluster : undefined;
    },
    { check: alive, timeoutMs: 120_000, intervalMs: 250 },
  );
}

const condition = (cluster: KafkaCluster, type: string) =>
  cluster.status?.conditions?.find((c) => c.type === type);

async function podUids(): Promise<string[]> {
  const pods = await api.core.listNamespacedPod({
    namespace,
    labelSelector: "app.kubernetes.io/instance=events",
  });
  return pods.items.map((p) => `${p.metadata?.name ?? ""}@${p.metadata?.uid ?? ""}`).sort();
}

describe("KafkaCluster with under-replicated partitions", () => {
  it("turns Degraded and holds a rolling restart until the partitions are in sync again", async () => {
    await api.create(name, {
      kraft: { combined: { replicas: 3, storage: { size: "1Gi" } } },
      config: { "log.retention.hours": "72" },
    });
    await clusterWhere(
      "Ready with two brokers",
      (c) => c.status?.phase === "Ready" && c.status.brokers === 2,
    );
    const before = await podUids();
    expect(before).toHaveLength(3);

    await node2!.stop();
    const degraded = await clusterWhere(
      "Degraded=True UnderReplicatedPartitions",
      (c) => condition(c, "Degraded")?.reason === "UnderReplicatedPartitions",
    );
    expect(degraded.status?.underReplicatedPartitions).toBeGreaterThanOrEqual(3);
    await eventually("the Warning Events", async () => {
      const events = await eventsOf(api.core, namespace, "KafkaCluster", name);
      return events.some((e) => e.startsWith("Warning UnderReplicatedPartitions: ")) &&
        events.some((e) => e.startsWith("Warning BrokersOffline: 1 broker(s) online"))
        ? events
        : undefined;
    });

    await api.patchSpec(name, { config: { "log.retention.hours": "48" } });
    const waiting = await clusterWhere(
      "the rolling restart to wait",
      (c) => condition(c, "Progressing")?.status === "True",
    );
    const progressing = condition(waiting, "Progressing");
    expect(progressing?.reason).toBe("RollingRestart");
    expect(progressing?.message).toMatch(
      /^UnderReplicatedPartitions: waiting for \d+ under-replicated partition\(s\) to catch up; next: pod events-combined-2 \(3 to restart\)$/,
    );
    // Longer than the operator's requeue while rolling (5 s): still no pod restarted.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    expect(await podUids()).toEqual(before);

    await node2!.start();
    await clusterWhere(
      "every pod restarted and the cluster healthy",
      (c) =>
        condition(c, "Progressing")?.status === "False" &&
        condition(c, "Degraded")?.status === "False",
    );
    const after = await podUids();
    expect(after.filter((uid) => before.includes(uid))).toEqual([]);
    const events = await eventsOf(api.core, namespace, "KafkaCluster", name);
    expect(events).toContainEqual(expect.stringMatching(/^Normal Recovered: Healthy again/));
    expect(events.filter((e) => e.startsWith("Normal RollingRestart: "))).toHaveLength(3);
  });
});
