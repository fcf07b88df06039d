import { describe, expect, it } from "vitest";
import type { MySQLClusterStatus } from "@/lib/crds/mysql-cluster";
import { computeStatus, isRolledOut } from "./status";
import { aCluster, aPod, aStatefulSet, pods } from "./test-fixtures";

const now = new Date("2026-03-01T12:00:00Z");
const later = new Date("2026-03-01T12:07:00Z");

function condition(status: MySQLClusterStatus, type: string) {
  const found = status.conditions?.find((c) => c.type === type);
  if (!found) throw new Error(`no ${type} condition in ${JSON.stringify(status)}`);
  return found;
}

describe("isRolledOut", () => {
  const desired = 3;
  it("is true only when the StatefulSet controller caught up and every server is updated and ready", () => {
    expect(isRolledOut(aStatefulSet({ replicas: 3, ready: 3 }), desired)).toBe(true);
    expect(isRolledOut(aStatefulSet({ replicas: 3, ready: 2 }), desired)).toBe(false);
    expect(isRolledOut(aStatefulSet({ replicas: 3, ready: 3, updated: 2 }), desired)).toBe(false);
    expect(isRolledOut(aStatefulSet({ replicas: 3, ready: 3, existing: 4 }), desired)).toBe(false);
    expect(
      isRolledOut(
        aStatefulSet({ replicas: 3, ready: 3, generation: 2, observedGeneration: 1 }),
        desired,
      ),
    ).toBe(false);
    expect(isRolledOut(aStatefulSet({ replicas: 2, ready: 2 }), desired)).toBe(false);
  });
});

describe("computeStatus", () => {
  it("without a StatefulSet: Pending, creating, nothing observed", () => {
    const status = computeStatus({ cluster: aCluster(), statefulSet: undefined, pods: [], now });
    expect(status).toMatchObject({ phase: "Pending", replicas: 0, readyReplicas: 0 });
    expect(status.observedGeneration).toBeUndefined();
    expect(status.primary).toBeUndefined();
    expect(condition(status, "Ready")).toMatchObject({ status: "False", reason: "Creating" });
    expect(condition(status, "Progressing")).toMatchObject({
      status: "True",
      reason: "Creating",
      observedGeneration: 1,
      lastTransitionTime: "2026-03-01T12:00:00Z",
    });
  });

  it("while servers start: Provisioning, names the servers it waits for", () => {
    const status = computeStatus({
      cluster: aCluster(),
      statefulSet: aStatefulSet({ replicas: 3, ready: 1, existing: 2 }),
      pods: [aPod(0, true), aPod(1, false)],
      now,
    });
    expect(status).toMatchObject({
      phase: "Provisioning",
      replicas: 2,
      readyReplicas: 1,
      primary: "orders-0",
    });
    expect(status.observedGeneration).toBeUndefined();
    expect(condition(status, "Ready")).toMatchObject({
      status: "False",
      reason: "ServersNotReady",
      message: "1/3 servers ready; not Ready: orders-1.",
    });
    expect(condition(status, "Progressing")).toMatchObject({
      status: "True",
      reason: "RollingOut",
    });
  });

  it("is not Ready while the primary is not, even with enough ready servers", () => {
    const status = computeStatus({
      cluster: aCluster({ replicas: 2 }),
      statefulSet: aStatefulSet({ replicas: 2, ready: 2, existing: 3 }),
      pods: [aPod(0, false), aPod(1, true), aPod(2, true)],
      now,
    });
    expect(condition(status, "Ready")).toMatchObject({
      status: "False",
      reason: "ServersNotReady",
    });
    expect(condition(status, "Ready").message).toContain("primary orders-0 not ready");
  });

  it("when every server is ready and rolled out: Ready, generation observed", () => {
    const status = computeStatus({
      cluster: aCluster({}, { generation: 4 }),
      statefulSet: aStatefulSet({ replicas: 3, ready: 3 }),
      pods: pods(3),
      now,
    });
    expect(status).toMatchObject({
      phase: "Ready",
      observedGeneration: 4,
      replicas: 3,
      readyReplicas: 3,
      primary: "orders-0",
    });
    expect(condition(status, "Ready")).toMatchObject({
      status: "True",
      reason: "AllServersReady",
      observedGeneration: 4,
    });
    expect(condition(status, "Progressing")).toMatchObject({
      status: "False",
      reason: "RolloutComplete",
    });
  });

  it("with database checks disabled: Ready from the pods, and ReplicationHealthy says nothing was checked", () => {
    const status = computeStatus({
      cluster: aCluster({}, { generation: 2 }),
      statefulSet: aStatefulSet({ replicas: 3, ready: 3 }),
      pods: pods(3),
      databaseChecksDisabled: true,
      now,
    });
    expect(condition(status, "Ready")).toMatchObject({ status: "True", reason: "AllServersReady" });
    expect(condition(status, "Ready").message).toContain("database checks are disabled");
    expect(condition(status, "ReplicationHealthy")).toMatchObject({
      status: "Unknown",
      reason: "DatabaseChecksDisabled",
    });
    expect(status.instances).toBeUndefined();
  });

  it("keeps the previous observedGeneration until the new generation is rolled out", () => {
    const ready = computeStatus({
      cluster: aCluster({}, { generation: 1 }),
      statefulSet: aStatefulSet({ replicas: 3, ready: 3 }),
      pods: pods(3),
      now,
    });
    const scaling = computeStatus({
      cluster: { ...aCluster({ replicas: 5 }, { generation: 2 }), status: ready },
      statefulSet: aStatefulSet({
        replicas: 5,
        ready: 3,
        existing: 4,
        generation: 2,
        observedGeneration: 2,
      }),
      pods: [...pods(3), aPod(3, false)],
      now: later,
    });
    expect(scaling.observedGeneration).toBe(1);
    expect(scaling.phase).toBe("Provisioning");
    expect(condition(scaling, "Progressing")).toMatchObject({
      status: "True",
      observedGeneration: 2,
    });
    const done = computeStatus({
      cluster: { ...aCluster({ replicas: 5 }, { generation: 2 }), status: scaling },
      statefulSet: aStatefulSet({ replicas: 5, ready: 5, generation: 2 }),
      pods: pods(5),
      now: later,
    });
    expect(done.observedGeneration).toBe(2);
  });

  it("stays Ready while scaling down, and does not count terminating pods as ready", () => {
    const status = computeStatus({
      cluster: aCluster({ replicas: 2 }, { generation: 3 }),
      statefulSet: aStatefulSet({ replicas: 2, ready: 2, existing: 3 }),
      pods: [aPod(0, true), aPod(1, true), aPod(2, true, true)],
      now,
    });
    expect(condition(status, "Ready")).toMatchObject({
      status: "True",
      message: "2/2 servers ready; primary orders-0.",
    });
    expect(condition(status, "Progressing").status).toBe("True");
    expect(status.observedGeneration).toBeUndefined();
  });

  it("while stopping: Stopping until the last pod is gone, then Stopped with the generation observed", () => {
    const cluster = aCluster({ stopped: true }, { generation: 5 });
    const stopping = computeStatus({
      cluster,
      statefulSet: aStatefulSet({ replicas: 0, ready: 1, existing: 1 }),
      pods: [aPod(0, true, true)],
      now,
    });
    expect(stopping).toMatchObject({ phase: "Stopping", readyReplicas: 1 });
    // The record of the primary survives a stop: a start resumes with the same topology.
    expect(stopping.primary).toBe("orders-0");
    expect(condition(stopping, "ReplicationHealthy")).toMatchObject({
      status: "Unknown",
      reason: "Stopping",
    });
    expect(condition(stopping, "Ready")).toMatchObject({ status: "False", reason: "Stopping" });
    expect(condition(stopping, "Progressing")).toMatchObject({
      status: "True",
      reason: "Stopping",
    });
    const stopped = computeStatus({
      cluster: { ...cluster, status: stopping },
      statefulSet: aStatefulSet({ replicas: 0, ready: 0 }),
      pods: [],
      now: later,
    });
    expect(stopped).toMatchObject({
      phase: "Stopped",
      observedGeneration: 5,
      replicas: 0,
      readyReplicas: 0,
    });
    expect(condition(stopped, "Ready")).toMatchObject({
      status: "False",
      reason: "Stopped",
      lastTransitionTime: "2026-03-01T12:00:00Z",
    });
    expect(condition(stopped, "Progressing")).toMatchObject({
      status: "False",
      lastTransitionTime: "2026-03-01T12:07:00Z",
    });
  });

  it("keeps transition times across reconciles that change nothing", () => {
    const input = { statefulSet: aStatefulSet({ replicas: 3, ready: 3 }), pods: pods(3) };
    const first = computeStatus({ ...input, cluster: aCluster(), now });
    const second = computeStatus({
      ...input,
      cluster: { ...aCluster(), status: first },
      now: later,
    });
    expect(second).toEqual(first);
  });

  it("clears a Paused condition once reconciling again", () => {
    const paused: MySQLClusterStatus = {
      phase: "Paused",
      conditions: [
        {
          type: "Paused",
          status: "True",
          reason: "ReconcilePaused",
          message: "",
          lastTransitionTime: "2026-03-01T11:00:00Z",
        },
      ],
    };
    const status = computeStatus({
      cluster: { ...aCluster(), status: paused },
      statefulSet: aStatefulSet({ replicas: 3, ready: 3 }),
      pods: pods(3),
      now,
    });
    expect(status.phase).toBe("Ready");
    expect(condition(status, "Paused")).toMatchObject({
      status: "False",
      reason: "ReconcileResumed",
    });
  });
});
