import type { V1StatefulSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { KafkaClusterSchema } from "@/lib/crds/kafka-cluster";
import type { ClusterHealth } from "@/server/kafka";
import { clusterStatus, consumerGroupsSummary } from "./status";

const NOW = new Date("2026-11-30T00:00:00Z");
const cluster = KafkaClusterSchema.parse({
  apiVersion: "kafka.pilothouse.dev/v1alpha1",
  kind: "KafkaCluster",
  metadata: { name: "events", namespace: "shop", uid: "k", generation: 4 },
  spec: { kraft: { combined: { replicas: 3, storage: { size: "1Gi" } } } },
});
const ready = new Map<string, V1StatefulSet>([
  ["combined", { status: { replicas: 3, readyReplicas: 3 } }],
]);
const healthy: ClusterHealth = {
  reachable: true,
  clusterId: "x",
  controller: 2,
  brokers: [0, 1, 2],
  topics: 4,
  partitions: 12,
  offlinePartitions: 0,
  underReplicatedPartitions: 0,
  groups: [],
};
const condition = (status: ReturnType<typeof clusterStatus>, type: string) =>
  status.conditions?.find((c) => c.type === type);

describe("clusterStatus", () => {
  it("is Ready with the probe's numbers when pods are ready and the cluster answers", () => {
    const status = clusterStatus(cluster, "id", ready, healthy, NOW);
    expect(status).toMatchObject({
      phase: "Ready",
      observedGeneration: 4,
      clusterId: "id",
      brokers: 3,
      quorumLeader: 2,
      pools: [{ name: "combined", nodeIds: [0, 1, 2], readyReplicas: 3 }],
    });
    expect(condition(status, "Degraded")).toMatchObject({ status: "False", reason: "Healthy" });
  });

  it("is Degraded, not Ready, when partitions are offline or the cluster does not answer", () => {
    const offline = clusterStatus(cluster, "id", ready, { ...healthy, offlinePartitions: 2 }, NOW);
    expect(offline.phase).toBe("Degraded");
    expect(condition(offline, "Degraded")).toMatchObject({
      status: "True",
      reason: "OfflinePartitions",
      message: "2 offline partition(s)",
    });
    const down = clusterStatus(cluster, "id", ready, { reachable: false, error: "refused" }, NOW);
    expect(condition(down, "Ready")).toMatchObject({ status: "False", reason: "Unhealthy" });
    expect(condition(down, "Degraded")).toMatchObject({ reason: "ClusterUnreachable" });
  });

  it("is Ready from its pods, health Unknown, when the operator runs without checks", () => {
    const status = clusterStatus(cluster, "id", ready, undefined, NOW, undefined, {}, true);
    expect(status.phase).toBe("Ready");
    expect(condition(status, "Ready")).toMatchObject({ status: "True", reason: "AllNodesReady" });
    expect(condition(status, "Degraded")).toMatchObject({
      status: "Unknown",
      reason: "DatabaseChecksDisabled",
    });
    expect(condition(status, "Degraded")?.message).toMatch(/brokers are not probed/);
    expect(status.brokers).toBeUndefined();
    const starting = new Map([["combined", { status: { replicas: 3, readyReplicas: 1 } }]]);
    const provisioning = clusterStatus(
      cluster,
      "id",
      starting,
      undefined,
      NOW,
      undefined,
      {},
      true,
    );
    expect(provisioning.phase).toBe("Provisioning");
    expect(condition(provisioning, "Ready")).toMatchObject({ reason: "NodesNotReady" });
  });

  it("is Stopped once no node runs, without probing", () => {
    const stopped = { ...cluster, spec: { ...cluster.spec, stopped: true } };
    const none = new Map([["combined", { status: { replicas: 0 } }]]);
    const status = clusterStatus(stopped, "id", none, undefined, NOW);
    expect(status.phase).toBe("Stopped");
    expect(condition(status, "Stopped")).toMatchObject({ status: "True" });
    // A stop's own words, never the last probe's (nothing is probed while stopped).
    expect(condition(status, "Degraded")).toMatchObject({ status: "False", reason: "Stopped" });
    expect(condition(status, "Progressing")).toMatchObject({ status: "False", reason: "Stopped" });
  });

  it("after stop and start without checks, keeps no stopped-era condition and stamps the generation", () => {
    const stoppedSpec = { ...cluster.spec, stopped: true };
    const none = new Map([["combined", { status: { replicas: 0 } }]]);
    const stopped = clusterStatus(
      { ...cluster, spec: stoppedSpec },
      "id",
      none,
      undefined,
      NOW,
      undefined,
      {},
      true,
    );
    // Started again: a new generation, pods back and Ready.
    const started = {
      ...cluster,
      metadata: { ...cluster.metadata, generation: 6 },
      status: stopped,
    };
    const status = clusterStatus(started, "id", ready, undefined, NOW, undefined, {}, true);
    expect(status.phase).toBe("Ready");
    expect(condition(status, "Degraded")).toMatchObject({
      status: "Unknown",
      reason: "DatabaseChecksDisabled",
    });
    expect(condition(status, "Progressing")).toMatchObject({
      status: "False",
      reason: "NodesReady",
    });
    expect(condition(status, "Stopped")).toMatchObject({ status: "False", reason: "Running" });
    expect(status.conditions?.map((c) => c.observedGeneration)).toEqual(
      status.conditions?.map(() => 6),
    );
  });

  it("summarises consumer-group lag: count, largest lag, the groups lagging most", () => {
    const groups = Array.from({ length: 12 }, (_, i) => ({
      groupId: `g${String(i).padStart(2, "0")}`,
      lag: i,
      topics: [{ topic: "orders", lag: i }],
    }));
    const summary = consumerGroupsSummary(groups);
    expect(summary.count).toBe(12);
    expect(summary.maxLag).toBe(11);
    expect(summary.highestLag).toHaveLength(10);
    expect(summary.highestLag[0]).toEqual({ groupId: "g11", lag: 11 });
    expect(summary.highestLag.some((g) => g.lag === 0)).toBe(false);
    const status = clusterStatus(
      cluster,
      "id",
      ready,
      { ...healthy, groups: groups.slice(0, 2) },
      NOW,
    );
    expect(status.consumerGroups).toEqual({
      count: 2,
      maxLag: 1,
      highestLag: [{ groupId: "g01", lag: 1 }],
    });
  });
});
