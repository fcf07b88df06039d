import { describe, expect, it } from "vitest";
import type { MySQLClusterStatus } from "@/lib/crds/mysql-cluster";
import { computeStatus } from "./status";
import { failedStatus, pausedStatus, statusUnchanged, transitionEvents } from "./status-events";
import { aCluster, aStatefulSet, pods } from "./test-fixtures";

const now = new Date("2026-03-01T12:00:00Z");

const readyStatus = computeStatus({
  cluster: aCluster({}, { generation: 2 }),
  statefulSet: aStatefulSet({ replicas: 3, ready: 3 }),
  pods: pods(3),
  now,
});

describe("pausedStatus", () => {
  it("sets only Paused and the phase, leaving observedGeneration and the rest alone", () => {
    const cluster = { ...aCluster({ replicas: 5 }, { generation: 3 }), status: readyStatus };
    const status = pausedStatus(cluster, now);
    expect(status.phase).toBe("Paused");
    expect(status.observedGeneration).toBe(2);
    expect(status.readyReplicas).toBe(3);
    expect(status.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      "Ready=True",
      "Progressing=False",
      "ReplicationHealthy=Unknown",
      "Degraded=Unknown",
      "Paused=True",
    ]);
  });
});

describe("failedStatus", () => {
  it("reports the refusal on Ready and Progressing, phase Failed", () => {
    const status = failedStatus(
      { ...aCluster(), status: readyStatus },
      "StatefulSet orders was refused",
      now,
    );
    expect(status.phase).toBe("Failed");
    expect(status.observedGeneration).toBe(2);
    for (const type of ["Ready", "Progressing"]) {
      expect(status.conditions?.find((c) => c.type === type)).toMatchObject({
        status: "False",
        reason: "ApplyFailed",
        message: "StatefulSet orders was refused",
      });
    }
  });
});

describe("statusUnchanged", () => {
  it("compares values, not identity, and treats a missing status as empty", () => {
    expect(statusUnchanged(readyStatus, structuredClone(readyStatus))).toBe(true);
    expect(statusUnchanged(readyStatus, { ...readyStatus, readyReplicas: 2 })).toBe(false);
    expect(statusUnchanged(undefined, {})).toBe(true);
    expect(statusUnchanged(undefined, { phase: "Pending" })).toBe(false);
  });
});

describe("transitionEvents", () => {
  const provisioning = computeStatus({
    cluster: aCluster({}, { generation: 2 }),
    statefulSet: aStatefulSet({ replicas: 3, ready: 1 }),
    pods: pods(3, 1),
    now,
  });

  it("announces Ready once, when it becomes True", () => {
    expect(transitionEvents(provisioning, readyStatus)).toEqual([
      { type: "Normal", reason: "Ready", message: "3/3 servers ready; primary orders-0." },
    ]);
    expect(transitionEvents(readyStatus, readyStatus)).toEqual([]);
  });

  it("warns when a settled cluster loses Ready, but not during a requested rollout", () => {
    const lost = computeStatus({
      cluster: { ...aCluster({}, { generation: 2 }), status: readyStatus },
      statefulSet: aStatefulSet({ replicas: 3, ready: 2 }),
      pods: pods(3, 2),
      now,
    });
    expect(transitionEvents(readyStatus, lost)).toEqual([
      { type: "Warning", reason: "NotReady", message: "2/3 servers ready; not Ready: orders-2." },
    ]);
    const scaling = computeStatus({
      cluster: { ...aCluster({ replicas: 5 }, { generation: 3 }), status: readyStatus },
      statefulSet: aStatefulSet({ replicas: 5, ready: 3, existing: 4, generation: 3 }),
      pods: pods(4, 3),
      now,
    });
    expect(transitionEvents(readyStatus, scaling)).toEqual([]);
  });

  it("announces Stopped, a failure, a pause and a resume", () => {
    const stopped = computeStatus({
      cluster: { ...aCluster({ stopped: true }, { generation: 3 }), status: readyStatus },
      statefulSet: aStatefulSet({ replicas: 0, ready: 0 }),
      pods: [],
      now,
    });
    expect(transitionEvents(readyStatus, stopped).map((e) => e.reason)).toEqual(["Stopped"]);
    const failed = failedStatus({ ...aCluster(), status: readyStatus }, "refused", now);
    expect(transitionEvents(readyStatus, failed)).toEqual([
      { type: "Warning", reason: "ApplyFailed", message: "refused" },
    ]);
    const paused: MySQLClusterStatus = pausedStatus({ ...aCluster(), status: readyStatus }, now);
    expect(transitionEvents(readyStatus, paused).map((e) => e.reason)).toEqual(["Paused"]);
    const resumed = computeStatus({
      cluster: { ...aCluster({}, { generation: 2 }), status: paused },
      statefulSet: aStatefulSet({ replicas: 3, ready: 3 }),
      pods: pods(3),
      now,
    });
    expect(transitionEvents(paused, resumed).map((e) => e.reason)).toEqual(["Resumed"]);
  });
});
