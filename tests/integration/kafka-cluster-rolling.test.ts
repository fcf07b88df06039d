/**
 * Rolling restarts of a KafkaCluster on the real control plane (KWOK: pods become Ready, no
 * container runs), its Admin API bound to the local Apache Kafka 4.4 broker
 * (PILOTHOUSE_OPERATOR_KAFKA_ENDPOINTS), whose answers (under-replicated partitions, the active
 * controller's node ID) drive the decisions. Changing `spec.config` changes each pool's
 * configuration hash; the StatefulSets use `updateStrategy: OnDelete` and the operator restarts
 * the pods itself: one at a time, controllers first with the active controller last, then
 * brokers, reporting `Progressing=True` with reason `RollingRestart` and the next pod.
 *
 * Needs the local platform: `./pilothouse up`, then source ~/.cache/pilothouse/state/dev/env.sh.
 */
import { randomBytes } from "node:crypto";
import { Watch, type KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KafkaCluster } from "@/lib/crds/kafka-cluster";
import { eventually } from "./support/eventually";
import { releaseBroker, startBroker, type LocalBroker } from "./support/kafka-broker";
import { eventsOf, kafkaClusterApi } from "./support/kafka-objects";
import {
  installOperatorManifests,
  kubeConfigFrom,
  platformKubeconfigs,
} from "./support/kube-admin";
import { OperatorProcess } from "./support/operator-process";

const suffix = randomBytes(3).toString("hex");
const namespace = `kafkaroll-it-${suffix}`;
const shard = `kafkaroll-${suffix}`;
const name = "events";
const pool = { storage: { size: "1Gi" } };
let broker: LocalBroker | undefined;
let admin: KubeConfig | undefined;
let api: ReturnType<typeof kafkaClusterApi>;
let operator: OperatorProcess | undefined;
const alive = () => operator?.assertRunning();

beforeAll(async () => {
  const kubeconfigs = platformKubeconfigs();
  admin = kubeConfigFrom(kubeconfigs.admin);
  await installOperatorManifests(admin);
  api = kafkaClusterApi(admin, namespace, shard);
  await api.core.createNamespace({ body: { metadata: { name: namespace } } });
  broker = await startBroker();
  operator = await OperatorProcess.start(kubeconfigs.operator, shard, {
    env: {
      PILOTHOUSE_OPERATOR_KAFKA_ENDPOINTS: JSON.stringify({
        [`${namespace}/${name}`]: broker.admin,
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
  if (broker) await releaseBroker(broker);
});

function clusterWhere(what: string, predicate: (cluster: KafkaCluster) => boolean) {
  return eventually(
    what,
    async () => {
      const cluster = await api.read(name);
      return cluster && predicate(cluster) ? cluster : undefined;
    },
    { check: alive, timeoutMs: 120_000, intervalMs: 200 },
  );
}

const isReady = (pod: V1Pod) =>
  pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

describe("KafkaCluster rolling restart", () => {
  it("restarts one pod at a time after a configuration change, controllers first, the active controller last", async () => {
    await api.create(name, {
      kraft: {
        mode: "separate",
        controllers: { ...pool, replicas: 3 },
        brokers: { ...pool, replicas: 2 },
      },
      config: { "log.retention.hours": "72" },
    });
    await clusterWhere("the cluster to be Ready", (c) => c.status?.phase === "Ready");
    const podsNow = async () =>
      (
        await api.core.listNamespacedPod({
          namespace,
          labelSelector: "app.kubernetes.io/instance=events",
        })
      ).items;
    const firstUids = new Map(
      (await podsNow()).map((p) => [p.metadata?.name ?? "", p.metadata?.uid]),
    );
    expect(firstUids.size).toBe(5);

    // Every pod change, from a watch (lossless, unlike polling): the most pods down at once.
    const state = new Map<string, V1Pod>((await podsNow()).map((p) => [p.metadata?.name ?? "", p]));
    let mostDown = 0;
    const watching = await new Watch(admin!).watch(
      `/api/v1/namespaces/${namespace}/pods`,
      { labelSelector: "app.kubernetes.io/instance=events" },
      (type: string, pod: V1Pod) => {
        if (type === "DELETED") state.delete(pod.metadata?.name ?? "");
        else state.set(pod.metadata?.name ?? "", pod);
        const up = [...state.values()].filter((p) => isReady(p) && !p.metadata?.deletionTimestamp);
        mostDown = Math.max(mostDown, 5 - up.length);
      },
      () => undefined,
    );
    await api.patchSpec(name, { config: { "log.retention.hours": "48" } });
    const restarted: string[] = [];
    const progressing = new Set<string>();
    const started = Date.now();
    await eventually(
      "every pod restarted and Progressing=False",
      async () => {
        const pods = await podsNow();
        const down = 5 - pods.filter((p) => isReady(p) && !p.metadata?.deletionTimestamp).length;
        for (const pod of pods) {
          const podName = pod.metadata?.name ?? "";
          if (pod.metadata?.uid !== firstUids.get(podName) && !restarted.includes(podName)) {
            restarted.push(podName);
          }
        }
        const cluster = await api.read(name);
        const condition = cluster?.status?.conditions?.find((c) => c.type === "Progressing");
        if (condition?.status === "True")
          progressing.add(`${condition.reason}: ${condition.message}`);
        return restarted.length === 5 && condition?.status === "False" && down === 0
          ? true
          : undefined;
      },
      { check: alive, timeoutMs: 180_000, intervalMs: 100 },
    );
    watching.abort();
    console.log(`rolled 5 pods in ${Date.now() - started} ms`);
    // The local broker is node 1, the active controller: its namesake controllers-1 goes last.
    expect(restarted).toEqual([
      "events-controllers-2",
      "events-controllers-0",
      "events-controllers-1",
      "events-brokers-1",
      "events-brokers-0",
    ]);
    expect(mostDown).toBe(1);
    // The condition names each pod as it is restarted (and, in between, what it waits for).
    expect(
      [...progressing]
        .filter((m) => m.startsWith("RollingRestart: restarting pod "))
        .map((m) => m.split(" ")[3]),
    ).toEqual(restarted);
    const events = await eventsOf(api.core, namespace, "KafkaCluster", name);
    expect(events.filter((e) => e.startsWith("Normal RollingRestart: "))).toHaveLength(5);
  });
});
