/**
 * The operator survives a kube-apiserver restart in the middle of reconciling a new cluster: the
 * test stops the platform's real kube-apiserver process right after the operator has created the
 * cluster's objects (servers still starting), keeps it down for a few seconds, starts it again
 * (support/apiserver-restart.ts), and checks that the operator — as shipped, test shard, database
 * checks off — converges the cluster and then follows a new spec through its re-established
 * watches (the periodic resync is 5 minutes away), without exiting.
 *
 * Needs the local platform: `./pilothouse up`, then `source "$(./pilothouse env)"`.
 */
import { randomBytes } from "node:crypto";
import { AppsV1Api, type KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MYSQL_CLUSTER_FINALIZER, type MySQLCluster } from "@/lib/crds/mysql-cluster";
import { restartApiserver } from "./support/apiserver-restart";
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
const namespace = `mysqlc-rst-${suffix}`;
const shard = `it-rst-${suffix}`;

let admin: KubeConfig;
let operator: OperatorProcess | undefined;
let f: ReturnType<typeof lifecycleFixtures>;
const alive = () => operator?.assertRunning();

/** The cluster once it runs `replicas` Ready servers with its current generation observed. */
function converged(name: string, replicas: number): Promise<MySQLCluster> {
  return eventually(
    `${name} to converge on ${replicas} ready servers`,
    async () => {
      const cluster = await f.api.read(name);
      const done =
        cluster.status?.observedGeneration === cluster.metadata.generation &&
        cluster.status?.readyReplicas === replicas &&
        conditionOf(cluster, "Ready")?.status === "True";
      return done ? cluster : undefined;
    },
    { check: alive, timeoutMs: 90_000 },
  );
}

beforeAll(async () => {
  const kubeconfigs = platformKubeconfigs();
  admin = kubeConfigFrom(kubeconfigs.admin);
  f = lifecycleFixtures(admin, namespace, shard, alive);
  await installOperatorManifests(admin);
  await f.api.core.createNamespace({ body: { metadata: { name: namespace } } });
  operator = await OperatorProcess.start(kubeconfigs.operator, shard, {
    env: {
      PILOTHOUSE_OPERATOR_DATABASE_CHECKS: "disabled",
      PILOTHOUSE_OPERATOR_RESYNC_SECONDS: "300",
      // The default 15 s lease must be renewed within 10 s: an apiserver that takes longer to
      // come back makes the operator exit by design (its Deployment restarts it). A 60 s lease
      // keeps this process through the outage, to show its informers and queue recover.
      PILOTHOUSE_OPERATOR_LEASE_SECONDS: "60",
    },
  });
});

afterAll(async () => {
  await operator?.stop();
  if (admin) await OperatorProcess.removeLease(admin, shard);
  await f?.releaseAll();
  await f?.api.core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe("kube-apiserver restart", () => {
  it("in the middle of reconciling: the operator converges afterwards and follows new specs", async () => {
    await f.api.create("steady", shard, { replicas: 3, storage: { size: "1Gi" } });
    const apps = admin.makeApiClient(AppsV1Api);
    await eventually(
      "the operator to create the StatefulSet",
      () => apps.readNamespacedStatefulSet({ namespace, name: "steady" }),
      { check: alive, intervalMs: 50 },
    );
    const before = await f.api.read("steady");
    expect(before.status?.readyReplicas ?? 0).toBeLessThan(3);
    const logBefore = operator?.log().length ?? 0;

    const downMs = await restartApiserver(admin, 3_000);
    expect(downMs).toBeGreaterThanOrEqual(3_000);

    const cluster = await converged("steady", 3);
    expect(cluster.metadata.finalizers).toEqual([MYSQL_CLUSTER_FINALIZER]);
    expect(cluster.status?.phase).toBe("Ready");
    // The outage reached the operator: its watches broke and were restarted.
    const during = operator?.log().slice(logBefore) ?? "";
    expect(during).toMatch(/list\/watch failed; restarting|reconcile failed/);
    expect(operator?.running()).toBe(true);

    // Watches are back: a new spec is applied long before the next resync.
    await f.api.patchSpec("steady", { replicas: 2 });
    const scaled = await converged("steady", 2);
    expect(scaled.metadata.generation).toBe(2);
    expect(await f.pods("steady")).toHaveLength(2);
  });
});
