import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { MySQLCluster, MySQLClusterStatus } from "@/lib/crds/mysql-cluster";
import { Registry } from "prom-client";
import { harness } from "./fake-cluster-api";
import { prometheusClusterMetrics } from "./metrics";
import { notReadySummary } from "./progress-deadline";
import { computeStatus } from "./status";
import { aCluster, aStatefulSet, pods } from "./test-fixtures";

const t0 = new Date("2026-03-01T12:00:00Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

function condition(status: MySQLClusterStatus, type: string) {
  return status.conditions?.find((c) => c.type === type);
}

/** A pod the scheduler cannot place: its claim is unbound (StorageClass missing). */
function unschedulable(ordinal: number): V1Pod {
  return {
    metadata: { name: `orders-${ordinal}`, namespace: "shop" },
    status: {
      phase: "Pending",
      conditions: [
        {
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
          message: "0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims.",
        },
      ],
    },
  };
}

/** The next reconcile's input: the cluster carrying the status written before. */
function next(cluster: MySQLCluster, status: MySQLClusterStatus, generation?: number) {
  const metadata = generation ? { ...cluster.metadata, generation } : cluster.metadata;
  return { ...cluster, metadata, status };
}

describe("progress deadline", () => {
  const pending = aStatefulSet({ replicas: 1, ready: 0, existing: 1 });
  const cluster = aCluster({ replicas: 1, progressDeadlineSeconds: 30 });

  it("turns Progressing=False / Degraded=True with ProgressDeadlineExceeded, naming the Pending pod", () => {
    const input = { statefulSet: pending, pods: [unschedulable(0)], databaseChecksDisabled: true };
    const first = computeStatus({ ...input, cluster, now: t0 });
    expect(first.progressingSince).toBe("2026-03-01T12:00:00Z");
    expect(condition(first, "Progressing")).toMatchObject({ status: "True" });
    const before = computeStatus({ ...input, cluster: next(cluster, first), now: at(29) });
    expect(condition(before, "Progressing")).toMatchObject({ status: "True" });
    const late = computeStatus({ ...input, cluster: next(cluster, before), now: at(30) });
    expect(condition(late, "Progressing")).toMatchObject({
      status: "False",
      reason: "ProgressDeadlineExceeded",
    });
    expect(condition(late, "Degraded")).toMatchObject({
      status: "True",
      reason: "ProgressDeadlineExceeded",
    });
    expect(condition(late, "Progressing")?.message).toBe(
      "Generation 1 was not rolled out within 30 s (since 2026-03-01T12:00:00Z): orders-0 Pending " +
        "(Unschedulable: 0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims.).",
    );
    expect(condition(late, "Ready")).toMatchObject({ status: "False" });
    expect(late.phase).toBe("Degraded");
  });

  it("starts the clock again on a spec change, and clears it once rolled out", () => {
    const input = { statefulSet: pending, pods: [unschedulable(0)], databaseChecksDisabled: true };
    const first = computeStatus({ ...input, cluster, now: t0 });
    const changed = computeStatus({ ...input, cluster: next(cluster, first, 2), now: at(25) });
    expect(changed.progressingSince).toBe("2026-03-01T12:00:25Z");
    const still = computeStatus({ ...input, cluster: next(cluster, changed, 2), now: at(40) });
    expect(condition(still, "Progressing")).toMatchObject({ status: "True" });
    const ready = computeStatus({
      cluster: next(cluster, still, 2),
      statefulSet: aStatefulSet({ replicas: 1, ready: 1 }),
      pods: pods(1),
      databaseChecksDisabled: true,
      now: at(60),
    });
    expect(ready.progressingSince).toBeUndefined();
    expect(condition(ready, "Progressing")).toMatchObject({ status: "False" });
    expect(ready.phase).toBe("Ready");
  });

  it("defaults to 600 s and summarises missing pods", () => {
    const plain = aCluster({ replicas: 3 });
    const input = { statefulSet: pending, pods: [unschedulable(0)] };
    const first = computeStatus({ ...input, cluster: plain, now: t0 });
    const early = computeStatus({ ...input, cluster: next(plain, first), now: at(599) });
    expect(condition(early, "Progressing")?.reason).not.toBe("ProgressDeadlineExceeded");
    const late = computeStatus({ ...input, cluster: next(plain, early), now: at(600) });
    expect(condition(late, "Progressing")?.reason).toBe("ProgressDeadlineExceeded");
    expect(notReadySummary([unschedulable(0)], 3)).toMatch(/; 2 of 3 pod\(s\) do not exist$/);
  });

  it("the reconcile looks again at the deadline, then records a Warning Event once and the alert metric", async () => {
    const registry = new Registry();
    const metrics = prometheusClusterMetrics(registry);
    const { api, clock, reconcile } = harness(cluster, { databaseChecks: false, metrics });
    api.stsStatus = { replicas: 1, readyReplicas: 0, updatedReplicas: 1 };
    api.pods = [unschedulable(0)];
    const result = await reconcile();
    expect(result).toEqual({ requeueAfterMs: 31_000 });
    clock.ms += 31_000;
    await reconcile();
    await reconcile();
    expect(api.condition("Progressing")?.reason).toBe("ProgressDeadlineExceeded");
    const warnings = api.events.filter((e) => e.reason === "ProgressDeadlineExceeded");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.type).toBe("Warning");
    // What the PrometheusRule alerts in deploy/prometheus/mysql-rules.yaml fire on.
    const text = await registry.metrics();
    const series = { namespace: "shop", cluster: "orders" };
    const labels = `{namespace="${series.namespace}",cluster="${series.cluster}"}`;
    expect(text).toContain(`pilothouse_mysql_cluster_progress_deadline_exceeded${labels} 1`);
    expect(text).toContain(`pilothouse_mysql_cluster_ready${labels} 0`);
    expect(text).toContain(`pilothouse_mysql_cluster_degraded${labels} 1`);
  });
});

describe("conditions describe the current state", () => {
  it("after stop and start without database checks, no condition is left from the stop", () => {
    const stopped = aCluster({ stopped: true }, { generation: 2 });
    const stoppedStatus = computeStatus({
      cluster: stopped,
      statefulSet: aStatefulSet({ replicas: 0, ready: 0, generation: 2 }),
      pods: [],
      databaseChecksDisabled: true,
      now: t0,
    });
    expect(condition(stoppedStatus, "Degraded")).toMatchObject({ reason: "Stopped" });
    const started = { ...aCluster({}, { generation: 3 }), status: stoppedStatus };
    const status = computeStatus({
      cluster: started,
      statefulSet: aStatefulSet({ replicas: 3, ready: 3, generation: 3 }),
      pods: pods(3),
      databaseChecksDisabled: true,
      now: at(60),
    });
    expect(status.phase).toBe("Ready");
    for (const type of ["Degraded", "ReplicationHealthy"]) {
      expect(condition(status, type)).toMatchObject({
        status: "Unknown",
        reason: "DatabaseChecksDisabled",
      });
    }
    expect(status.conditions?.some((c) => /Stopped|Stopping/.test(c.reason))).toBe(false);
  });

  it("every written condition carries the generation it was computed from", () => {
    const old = computeStatus({
      cluster: aCluster({}, { generation: 1 }),
      statefulSet: aStatefulSet({ replicas: 3, ready: 3 }),
      pods: pods(3),
      now: t0,
    });
    const withPaused = {
      ...old,
      conditions: [
        ...(old.conditions ?? []),
        {
          type: "Paused",
          status: "True" as const,
          reason: "ReconcilePaused",
          message: "",
          lastTransitionTime: "2026-03-01T12:00:00Z",
          observedGeneration: 1,
        },
      ],
    };
    const status = computeStatus({
      cluster: { ...aCluster({}, { generation: 4 }), status: withPaused },
      statefulSet: aStatefulSet({ replicas: 3, ready: 3, generation: 4 }),
      pods: pods(3),
      now: at(10),
    });
    expect(status.conditions?.length).toBeGreaterThan(3);
    expect(new Set(status.conditions?.map((c) => c.observedGeneration))).toEqual(new Set([4]));
  });
});
