import { describe, expect, it } from "vitest";
import { nextRollingStep, type RollingHealth, type RollingPool } from "./rolling";

const healthy: RollingHealth = { reachable: true, underReplicatedPartitions: 0, controller: 1 };

/** A pool whose pods with ordinals in `staleOrdinals` run revision "old", the others "new". */
function aPool(
  name: string,
  controller: boolean,
  base: number,
  replicas: number,
  staleOrdinals: number[],
  overrides: Partial<Record<number, { ready?: boolean; deleting?: boolean }>> = {},
): RollingPool {
  return {
    name,
    controller,
    updateRevision: "new",
    observed: true,
    replicas,
    pods: Array.from({ length: replicas }, (_, ordinal) => ({
      name: `events-${name}-${ordinal}`,
      nodeId: base + ordinal,
      revision: staleOrdinals.includes(ordinal) ? "old" : "new",
      ready: overrides[ordinal]?.ready ?? true,
      deleting: overrides[ordinal]?.deleting ?? false,
    })),
  };
}

describe("nextRollingStep", () => {
  it("does nothing when every pod runs the StatefulSet's update revision", () => {
    expect(nextRollingStep([aPool("combined", true, 0, 3, [])], healthy)).toEqual({
      action: "none",
    });
  });

  it("restarts controllers first, the active controller last, then brokers", () => {
    const pools = [
      aPool("brokers", false, 100, 2, [0, 1]),
      aPool("controllers", true, 0, 3, [0, 1, 2]),
    ];
    const step = nextRollingStep(pools, healthy);
    expect(step).toMatchObject({ action: "restart", pod: "events-controllers-2" });
    expect(step.action !== "none" && step.pending).toEqual([
      "events-controllers-2",
      "events-controllers-0",
      "events-controllers-1",
      "events-brokers-1",
      "events-brokers-0",
    ]);
  });

  it("restarts one pod at a time: waits while a pod is being deleted, missing or not Ready", () => {
    const deleting = aPool("combined", true, 0, 3, [0, 1], { 2: { deleting: true } });
    expect(nextRollingStep([deleting], healthy)).toMatchObject({
      action: "wait",
      reason: "PodNotReady",
      next: "events-combined-0",
    });
    const missing = { ...aPool("combined", true, 0, 3, [0, 1]), replicas: 4 };
    expect(nextRollingStep([missing], healthy)).toMatchObject({ reason: "PodNotReady" });
    const notReady = aPool("combined", true, 0, 3, [0], { 1: { ready: false } });
    expect(nextRollingStep([notReady], healthy)).toMatchObject({
      action: "wait",
      message:
        "waiting for pod events-combined-1 to be Ready; next: pod events-combined-0 (1 to restart)",
    });
  });

  it("waits while partitions are under-replicated or the Admin API does not answer", () => {
    const pools = [aPool("brokers", false, 100, 3, [0])];
    expect(nextRollingStep(pools, { ...healthy, underReplicatedPartitions: 4 })).toMatchObject({
      action: "wait",
      reason: "UnderReplicatedPartitions",
      message:
        "waiting for 4 under-replicated partition(s) to catch up; next: pod events-brokers-0 (1 to restart)",
    });
    expect(nextRollingStep(pools, { ...healthy, reachable: false })).toMatchObject({
      reason: "ClusterUnreachable",
    });
    expect(nextRollingStep(pools, healthy)).toMatchObject({
      action: "restart",
      pod: "events-brokers-0",
    });
  });

  it("waits for the StatefulSet controller to observe a new template", () => {
    const pool = { ...aPool("combined", true, 0, 3, [0]), observed: false };
    expect(nextRollingStep([pool], healthy)).toMatchObject({ reason: "StatefulSetNotObserved" });
  });

  it("never takes a quorum that can keep a majority below it; says so when it cannot", () => {
    // Five voters, two of them not Ready in the controller pool's view: a third restart would
    // leave two of five. (The not-Ready check fires first; the quorum guard is the last line.)
    const pools = [
      aPool("controllers", true, 0, 5, [4], { 0: { ready: false }, 1: { ready: false } }),
    ];
    expect(nextRollingStep(pools, healthy)).toMatchObject({ action: "wait" });
    const single = nextRollingStep([aPool("combined", true, 0, 1, [0])], healthy);
    expect(single).toMatchObject({
      action: "restart",
      pod: "events-combined-0",
      message:
        "restarting pod events-combined-0 for the new configuration (1 to restart); a quorum of 1 controller(s) cannot keep a majority through it",
    });
  });
});
