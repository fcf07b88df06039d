/**
 * The Kafka controllers on the local platform as a fresh user runs it: KWOK nodes (pods become
 * Ready, no broker runs) and an operator with PILOTHOUSE_OPERATOR_DATABASE_CHECKS=disabled. A
 * KafkaCluster is Ready from its pods with its Admin-API health Unknown (no Degraded, no alert
 * metric); a KafkaTopic says it was not applied (never Ready=True); a KafkaTopic naming a
 * KafkaCluster that does not exist says so, and moves on as soon as that cluster is created.
 *
 * Needs the local platform: `./pilothouse up`, then source ~/.cache/pilothouse/state/dev/env.sh.
 */
import { randomBytes } from "node:crypto";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Condition } from "@/lib/crds/common";
import { eventually } from "./support/eventually";
import { kafkaClusterApi, kafkaTopicApi } from "./support/kafka-objects";
import {
  installOperatorManifests,
  kubeConfigFrom,
  platformKubeconfigs,
} from "./support/kube-admin";
import { OperatorProcess } from "./support/operator-process";

const suffix = randomBytes(3).toString("hex");
const namespace = `kafkanochecks-it-${suffix}`;
const shard = `kafkanochecks-${suffix}`;
const pool = { storage: { size: "1Gi" } };
let admin: KubeConfig | undefined;
let clusters: ReturnType<typeof kafkaClusterApi>;
let topics: ReturnType<typeof kafkaTopicApi>;
let operator: OperatorProcess | undefined;
const alive = () => operator?.assertRunning();
const find = (conditions: Condition[] | undefined, type: string) =>
  conditions?.find((condition) => condition.type === type);

beforeAll(async () => {
  const kubeconfigs = platformKubeconfigs();
  admin = kubeConfigFrom(kubeconfigs.admin);
  await installOperatorManifests(admin);
  clusters = kafkaClusterApi(admin, namespace, shard);
  topics = kafkaTopicApi(admin, namespace, shard);
  await clusters.core.createNamespace({ body: { metadata: { name: namespace } } });
  operator = await OperatorProcess.start(kubeconfigs.operator, shard, {
    env: {
      PILOTHOUSE_OPERATOR_DATABASE_CHECKS: "disabled",
      // Far beyond the test: a topic waiting for its cluster moves through the watch, not a resync.
      PILOTHOUSE_OPERATOR_RESYNC_SECONDS: "3600",
    },
  });
});

afterAll(async () => {
  // The operator releases the finalizers: delete while it runs, or the namespace never goes.
  if (operator && clusters) {
    for (const topic of ["orders", "lost"]) await topics.delete(topic).catch(() => undefined);
    for (const cluster of ["events", "later"]) {
      await clusters.delete(cluster).catch(() => undefined);
    }
    await eventually(
      "the Kafka objects to be gone",
      async () => {
        const left = await Promise.all([
          topics.read("orders"),
          topics.read("lost"),
          clusters.read("events"),
          clusters.read("later"),
        ]);
        return left.every((object) => object === undefined) ? true : undefined;
      },
      { check: alive, timeoutMs: 60_000 },
    );
  }
  await operator?.stop();
  if (admin) await OperatorProcess.removeLease(admin, shard);
  await clusters?.core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe("Kafka controllers with database checks disabled (KWOK)", () => {
  it("reports a KafkaCluster Ready from its pods, its health Unknown, no alert", async () => {
    await clusters.create("events", { kraft: { combined: { replicas: 3, ...pool } } });
    const cluster = await eventually(
      "KafkaCluster events to be Ready",
      async () => {
        const read = await clusters.read("events");
        return read?.status?.phase === "Ready" ? read : undefined;
      },
      { check: alive, timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(find(cluster.status?.conditions, "Ready")).toMatchObject({
      status: "True",
      reason: "AllNodesReady",
      message: "combined: 3/3 ready",
    });
    const degraded = find(cluster.status?.conditions, "Degraded");
    expect(degraded).toMatchObject({ status: "Unknown", reason: "DatabaseChecksDisabled" });
    expect(degraded?.message).toContain("brokers are not probed");
    // No probe ran: no "unreachable" gauge for the alert rule to fire on.
    const metrics = await (
      await fetch(`http://127.0.0.1:${operator?.metricsPort() ?? 0}/metrics`)
    ).text();
    expect(metrics).not.toMatch(new RegExp(`pilothouse_kafka_cluster_\\w+\\{[^}]*${namespace}`));
  });

  it("says a KafkaTopic is not applied, never Ready", async () => {
    await topics.create("orders", { clusterName: "events", partitions: 3, replicationFactor: 3 });
    const topic = await eventually(
      "KafkaTopic orders to say it was not applied",
      async () => {
        const read = await topics.read("orders");
        return find(read?.status?.conditions, "Ready") ? read : undefined;
      },
      { check: alive, timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(topic.status?.phase).toBe("Pending");
    const ready = find(topic.status?.conditions, "Ready");
    expect(ready).toMatchObject({ status: "Unknown", reason: "DatabaseChecksDisabled" });
    expect(ready?.message).toMatch(
      /^Topic orders not applied: the operator runs without service checks/,
    );
  });

  it("says a KafkaTopic's cluster does not exist, and moves on when it is created", async () => {
    await topics.create("lost", { clusterName: "later", partitions: 1, replicationFactor: 1 });
    const waiting = await eventually(
      "KafkaTopic lost to name its missing cluster",
      async () => {
        const read = await topics.read("lost");
        return find(read?.status?.conditions, "Ready") ? read : undefined;
      },
      { check: alive, timeoutMs: 30_000, intervalMs: 250 },
    );
    const missing = find(waiting.status?.conditions, "Ready");
    expect(missing).toMatchObject({ status: "False", reason: "ClusterNotFound" });
    expect(missing?.message).toMatch(new RegExp(`^KafkaCluster ${namespace}/later does not exist`));

    await clusters.create("later", { kraft: { combined: { replicas: 1, ...pool } } });
    const found = await eventually(
      "KafkaTopic lost to be reconciled against the new cluster",
      async () => {
        const read = await topics.read("lost");
        const reason = find(read?.status?.conditions, "Ready")?.reason;
        return reason === "DatabaseChecksDisabled" ? read : undefined;
      },
      { check: alive, timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(find(found.status?.conditions, "Ready")?.status).toBe("Unknown");
  });
});
