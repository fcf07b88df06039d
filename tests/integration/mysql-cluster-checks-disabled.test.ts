/**
 * What a user of the local platform (KWOK nodes, PILOTHOUSE_OPERATOR_DATABASE_CHECKS=disabled)
 * sees of a MySQLCluster, against the real control plane and the operator as shipped: a
 * switchover request is refused and said so (never left hanging), conditions after a stop and a
 * start describe the running cluster with the current generation, and a cluster whose pods can
 * never start (a StorageClass that does not exist) ends with `ProgressDeadlineExceeded`.
 *
 * Needs the local platform: `./pilothouse up`, then `source "$(./pilothouse env)"`.
 */
import { randomBytes } from "node:crypto";
import { PatchStrategy, setHeaderOptions, type KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";
import { SWITCHOVER_ANNOTATION } from "@/lib/crds/mysql-replication";
import { eventually } from "./support/eventually";
import {
  installOperatorManifests,
  kubeConfigFrom,
  platformKubeconfigs,
} from "./support/kube-admin";
import { conditionOf } from "./support/mysql-cluster-api";
import { lifecycleFixtures } from "./support/mysql-cluster-lifecycle";
import { OperatorProcess } from "./support/operator-process";

const suffix = randomBytes(3).toString("hex");
const namespace = `mysqlc-nochk-${suffix}`;
const shard = `it-nochk-${suffix}`;

let admin: KubeConfig;
let operator: OperatorProcess | undefined;
let f: ReturnType<typeof lifecycleFixtures>;
const alive = () => operator?.assertRunning();

beforeAll(async () => {
  const kubeconfigs = platformKubeconfigs();
  admin = kubeConfigFrom(kubeconfigs.admin);
  f = lifecycleFixtures(admin, namespace, shard, alive);
  await installOperatorManifests(admin);
  await f.api.core.createNamespace({ body: { metadata: { name: namespace } } });
  operator = await OperatorProcess.start(kubeconfigs.operator, shard, {
    env: { PILOTHOUSE_OPERATOR_DATABASE_CHECKS: "disabled" },
  });
});

afterAll(async () => {
  await operator?.stop();
  if (admin) await OperatorProcess.removeLease(admin, shard);
  await f?.releaseAll();
  await f?.api.core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

/** The cluster once Ready with its current generation observed. */
function readyCluster(name: string) {
  return eventually(
    `${name} to be Ready`,
    async () => {
      const cluster = await f.api.read(name);
      const ready = conditionOf(cluster, "Ready")?.status === "True";
      const current = cluster.status?.observedGeneration === cluster.metadata.generation;
      return ready && current ? cluster : undefined;
    },
    { check: alive, timeoutMs: 90_000 },
  );
}

/** The cluster once `pick` returns something for it. */
function clusterWhere<T>(name: string, pick: (cluster: MySQLCluster) => T | undefined) {
  return eventually(`${name} to match`, async () => pick(await f.api.read(name)), {
    check: alive,
    timeoutMs: 60_000,
  });
}

/**
 * Sets a pod's `Ready` condition as a kubelet would when its readiness probe fails or passes
 * again. KWOK leaves a Running pod's conditions alone (its pod-ready stage matches Pending pods).
 */
async function setPodReady(name: string, ready: boolean) {
  const status = ready ? "True" : "False";
  await f.api.core.patchNamespacedPodStatus(
    {
      name,
      namespace,
      body: { status: { conditions: [{ type: "Ready", status, reason: "ReadinessProbe" }] } },
    },
    setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
  );
}

describe("MySQLCluster with database checks disabled", () => {
  it("refuses a switchover request at once: annotation removed, status and a Warning Event say why", async () => {
    await f.runningCluster("orders", {});
    await readyCluster("orders");
    await f.api.annotate("orders", SWITCHOVER_ANNOTATION, "orders-1");
    const cluster = await eventually(
      "the switchover request to be answered",
      async () => {
        const current = await f.api.read("orders");
        return current.metadata.annotations?.[SWITCHOVER_ANNOTATION] === undefined &&
          current.status?.lastSwitchover
          ? current
          : undefined;
      },
      { check: alive },
    );
    expect(cluster.status?.lastSwitchover).toMatchObject({
      to: "orders-1",
      outcome: "Refused",
    });
    expect(cluster.status?.lastSwitchover?.message).toMatch(
      /^switchover to orders-1 refused: this operator runs with database checks disabled/,
    );
    const event = await f.event("orders", "SwitchoverRefused");
    expect(event).toMatchObject({
      type: "Warning",
      message: cluster.status?.lastSwitchover?.message,
    });
    expect(cluster.status?.primary).toBe("orders-0");
  });

  it("after a stop and a start, every condition describes the running cluster at its generation", async () => {
    await f.api.patchSpec("orders", { stopped: true });
    await eventually(
      "orders to be Stopped",
      async () => ((await f.api.read("orders")).status?.phase === "Stopped" ? true : undefined),
      { check: alive, timeoutMs: 90_000 },
    );
    expect(conditionOf(await f.api.read("orders"), "Degraded")).toMatchObject({
      status: "False",
      reason: "Stopped",
    });
    await f.api.patchSpec("orders", { stopped: false });
    const cluster = await readyCluster("orders");
    expect(conditionOf(cluster, "Degraded")).toMatchObject({
      status: "Unknown",
      reason: "DatabaseChecksDisabled",
    });
    expect(conditionOf(cluster, "Stopped")).toMatchObject({ status: "False" });
    const conditions = cluster.status?.conditions ?? [];
    expect(conditions.filter((c) => c.reason === "Stopped" || c.reason === "Stopping")).toEqual([]);
    expect(conditions.map((c) => [c.type, c.observedGeneration])).toEqual(
      conditions.map((c) => [c.type, cluster.metadata.generation]),
    );
  });

  it("a rolled-out cluster that loses a Ready server is Degraded, not rolling out, past any deadline", async () => {
    await f.api.patchSpec("orders", { progressDeadlineSeconds: 30 });
    const settled = await readyCluster("orders");
    await setPodReady("orders-1", false);
    const degraded = await clusterWhere("orders", (c) =>
      conditionOf(c, "Degraded")?.reason === "ServersNotReady" ? c : undefined,
    );
    expect(degraded.status?.phase).toBe("Degraded");
    expect(degraded.status?.observedGeneration).toBe(settled.metadata.generation);
    expect(degraded.status?.progressingSince).toBeUndefined();
    expect(conditionOf(degraded, "Degraded")).toMatchObject({ status: "True" });
    expect(conditionOf(degraded, "Degraded")?.message).toMatch(/orders-1 Running, not Ready/);
    expect(conditionOf(degraded, "Ready")).toMatchObject({
      status: "False",
      reason: "ServersNotReady",
    });
    expect(conditionOf(degraded, "Progressing")).toMatchObject({
      status: "False",
      reason: "RolloutComplete",
    });
    // Past the 30 s deadline, the primary lost too: still a fault, never a late rollout.
    await new Promise((resolve) => setTimeout(resolve, 31_000));
    await setPodReady("orders-0", false);
    const later = await clusterWhere("orders", (c) =>
      /orders-0 .*orders-1/.test(conditionOf(c, "Degraded")?.message ?? "") ? c : undefined,
    );
    expect(conditionOf(later, "Progressing")?.reason).toBe("RolloutComplete");
    expect(conditionOf(later, "Degraded")?.lastTransitionTime).toBe(
      conditionOf(degraded, "Degraded")?.lastTransitionTime,
    );
    await setPodReady("orders-0", true);
    await setPodReady("orders-1", true);
    const recovered = await readyCluster("orders");
    expect(conditionOf(recovered, "Degraded")?.reason).toBe("DatabaseChecksDisabled");
  });

  it("a cluster whose volumes cannot be provisioned misses its progress deadline and says why", async () => {
    await f.api.create("stuck", shard, {
      replicas: 1,
      storage: { size: "1Gi", storageClassName: `does-not-exist-${suffix}` },
      progressDeadlineSeconds: 30,
    });
    const created = await f.api.read("stuck");
    expect(created.spec.progressDeadlineSeconds).toBe(30);
    const cluster = await eventually(
      "stuck to miss its progress deadline",
      async () => {
        const current = await f.api.read("stuck");
        const progressing = conditionOf(current, "Progressing");
        return progressing?.reason === "ProgressDeadlineExceeded" ? current : undefined;
      },
      { check: alive, timeoutMs: 90_000 },
    );
    const progressing = conditionOf(cluster, "Progressing");
    expect(progressing?.status).toBe("False");
    expect(progressing?.message).toMatch(
      /^Generation 1 was not rolled out within 30 s \(since .*\): stuck-0 Pending/,
    );
    expect(conditionOf(cluster, "Degraded")).toMatchObject({
      status: "True",
      reason: "ProgressDeadlineExceeded",
    });
    expect(conditionOf(cluster, "Ready")?.status).toBe("False");
    expect(cluster.status?.phase).toBe("Degraded");
    const event = await f.event("stuck", "ProgressDeadlineExceeded");
    expect(event.type).toBe("Warning");
    const pods = await f.pods("stuck");
    expect(pods.map((p) => p.status?.phase)).toEqual(["Pending"]);
  });

  it("a cluster created without progressDeadlineSeconds gets the default of 600 s", async () => {
    await f.api.create("plain", shard, { replicas: 1, storage: { size: "1Gi" } });
    expect((await f.api.read("plain")).spec.progressDeadlineSeconds).toBe(600);
  });
});
