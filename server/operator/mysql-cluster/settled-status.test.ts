import type { V1StatefulSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { MySQLCluster, MySQLClusterStatus } from "@/lib/crds/mysql-cluster";
import { computeStatus, type StatusInput } from "./status";
import { aCluster, aStatefulSet, pods } from "./test-fixtures";

const t0 = new Date("2026-03-01T12:00:00Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

function condition(status: MySQLClusterStatus, type: string) {
  return status.conditions?.find((c) => c.type === type);
}

/** The next reconcile's cluster: `cluster` at `generation`, carrying the status written before. */
function next(cluster: MySQLCluster, status: MySQLClusterStatus, generation = 1): MySQLCluster {
  return { ...cluster, metadata: { ...cluster.metadata, generation }, status };
}

const cluster = aCluster({ replicas: 3, progressDeadlineSeconds: 30 });
const checksOff = { databaseChecksDisabled: true } satisfies Partial<StatusInput>;

/** The status of `cluster` at `generation` once every server is updated and Ready. */
function rolledOut(generation = 1, before?: MySQLClusterStatus): MySQLClusterStatus {
  const status = computeStatus({
    ...checksOff,
    cluster: before ? next(cluster, before, generation) : next(cluster, {}, generation),
    statefulSet: aStatefulSet({ replicas: 3, ready: 3, generation }),
    pods: pods(3),
    now: t0,
  });
  expect(status.observedGeneration).toBe(generation);
  expect(status.phase).toBe("Ready");
  return status;
}

/** The same cluster after `orders-2` stopped being Ready (StatefulSet still fully updated). */
function lostOne(status: MySQLClusterStatus, now: Date, generation = 1) {
  return computeStatus({
    ...checksOff,
    cluster: next(cluster, status, generation),
    statefulSet: aStatefulSet({ replicas: 3, ready: 2, generation }),
    pods: pods(3, 2),
    now,
  });
}

/** `statefulSet` reporting the revision its pods run and the one it rolls out. */
function withRevisions(statefulSet: V1StatefulSet, current: string, update: string) {
  const status = { replicas: 0, ...statefulSet.status };
  return {
    ...statefulSet,
    status: { ...status, currentRevision: current, updateRevision: update },
  };
}

describe("a rolled-out cluster that loses a server", () => {
  it("is Degraded, not rolling out: Progressing=False, Ready=False and Degraded=True name the pod", () => {
    const status = lostOne(rolledOut(), at(10));
    expect(condition(status, "Progressing")).toMatchObject({
      status: "False",
      reason: "RolloutComplete",
    });
    expect(condition(status, "Ready")).toMatchObject({
      status: "False",
      reason: "ServersNotReady",
    });
    expect(condition(status, "Ready")?.message).toContain("orders-2");
    expect(condition(status, "Degraded")).toMatchObject({
      status: "True",
      reason: "ServersNotReady",
      message:
        "Generation 1 is rolled out, but servers are not Ready: orders-2 Running, not Ready.",
    });
    expect(status.phase).toBe("Degraded");
    expect(status.progressingSince).toBeUndefined();
    expect(status.observedGeneration).toBe(1);
  });

  it("never reports a missed progress deadline for it, however long it lasts", () => {
    const first = lostOne(rolledOut(), at(10));
    const later = lostOne(first, at(300));
    expect(condition(later, "Progressing")).toMatchObject({ reason: "RolloutComplete" });
    expect(condition(later, "Degraded")?.reason).toBe("ServersNotReady");
    expect(later.progressingSince).toBeUndefined();
    // The fault began at 10 s: reconciles that change nothing keep the transition times.
    expect(condition(later, "Degraded")?.lastTransitionTime).toBe("2026-03-01T12:00:10Z");
  });

  it("after a spec change rolled out, a lost server is not reported as that generation's late rollout", () => {
    const second = rolledOut(2, rolledOut(1));
    const status = lostOne(lostOne(second, at(10), 2), at(60), 2);
    expect(condition(status, "Progressing")).toMatchObject({
      status: "False",
      reason: "RolloutComplete",
      message: "Generation 2 is applied.",
    });
    expect(condition(status, "Degraded")?.message).toMatch(/^Generation 2 is rolled out/);
  });

  it("with revisions reported, a deleted pod of the current revision is a fault, not a rollout", () => {
    const statefulSet = withRevisions(
      aStatefulSet({ replicas: 3, ready: 2, existing: 2, updated: 2 }),
      "r1",
      "r1",
    );
    const status = computeStatus({
      ...checksOff,
      cluster: next(cluster, rolledOut()),
      statefulSet,
      pods: pods(2),
      now: at(10),
    });
    expect(condition(status, "Progressing")?.status).toBe("False");
    expect(condition(status, "Degraded")?.message).toMatch(/1 of 3 pod\(s\) do not exist\.$/);
  });

  it("a new revision to roll out is progress again, with the deadline running", () => {
    const statefulSet = withRevisions(
      aStatefulSet({ replicas: 3, ready: 2, updated: 1 }),
      "r1",
      "r2",
    );
    const status = computeStatus({
      ...checksOff,
      cluster: next(cluster, rolledOut()),
      statefulSet,
      pods: pods(3, 2),
      now: at(10),
    });
    expect(condition(status, "Progressing")).toMatchObject({
      status: "True",
      reason: "RollingOut",
    });
    expect(status.progressingSince).toBe("2026-03-01T12:00:10Z");
    expect(status.phase).toBe("Provisioning");
  });

  it("a spec change not yet applied is still a rollout that can miss its deadline", () => {
    const input = { statefulSet: aStatefulSet({ replicas: 3, ready: 2 }), pods: pods(3, 2) };
    const changed = computeStatus({
      ...checksOff,
      ...input,
      cluster: next(cluster, rolledOut(), 2),
      now: at(10),
    });
    expect(condition(changed, "Progressing")).toMatchObject({ status: "True" });
    expect(changed.progressingSince).toBe("2026-03-01T12:00:10Z");
    const late = computeStatus({
      ...checksOff,
      ...input,
      cluster: next(cluster, changed, 2),
      now: at(40),
    });
    expect(condition(late, "Progressing")?.reason).toBe("ProgressDeadlineExceeded");
    expect(condition(late, "Degraded")?.reason).toBe("ProgressDeadlineExceeded");
  });
});

describe("past the progress deadline", () => {
  it("reconciles that change nothing keep the transition times of Progressing and Degraded", () => {
    const input = {
      ...checksOff,
      statefulSet: aStatefulSet({ replicas: 3, ready: 0, existing: 1, updated: 1 }),
      pods: pods(1, 0),
    };
    const first = computeStatus({ ...input, cluster, now: t0 });
    const late = computeStatus({ ...input, cluster: next(cluster, first), now: at(30) });
    const again = computeStatus({ ...input, cluster: next(cluster, late), now: at(45) });
    const last = computeStatus({ ...input, cluster: next(cluster, again), now: at(60) });
    for (const type of ["Progressing", "Degraded"]) {
      expect(condition(late, type)?.reason).toBe("ProgressDeadlineExceeded");
      expect(condition(last, type)).toMatchObject({
        reason: "ProgressDeadlineExceeded",
        lastTransitionTime: "2026-03-01T12:00:30Z",
      });
    }
  });
});
