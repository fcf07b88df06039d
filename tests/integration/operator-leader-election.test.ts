/**
 * Leader election with two real operator processes against the real control plane: one Lease
 * (`pilothouse-system/pilothouse-operator-<shard>`), one active operator. The standby does not
 * reconcile; when the leader is SIGKILLed (no release), the standby takes over after the lease
 * duration and acts; a clean stop releases the Lease. Also checks /metrics and /healthz.
 *
 * Needs the local platform: `./pilothouse up`, then source ~/.cache/pilothouse/state/dev/env.sh.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { AppsV1Api, CoordinationV1Api, type KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "./support/eventually";
import {
  installOperatorManifests,
  kubeConfigFrom,
  platformKubeconfigs,
} from "./support/kube-admin";
import { clusterApi } from "./support/mysql-cluster-api";
import { OperatorProcess } from "./support/operator-process";

const suffix = randomBytes(3).toString("hex");
const namespace = `leader-it-${suffix}`;
const shard = `le-${suffix}`;
const lease = { namespace: "pilothouse-system", name: `pilothouse-operator-${shard}` };
const LEASE_SECONDS = 4;

let admin: KubeConfig;
let api: ReturnType<typeof clusterApi>;
let first: OperatorProcess | undefined;
let second: OperatorProcess | undefined;

async function holder(): Promise<string | undefined> {
  const current = await admin.makeApiClient(CoordinationV1Api).readNamespacedLease(lease);
  return current.spec?.holderIdentity || undefined;
}

async function metrics(operator: OperatorProcess): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${operator.metricsPort()}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** How many reconciles a process has logged (debug line "reconciled"). */
const reconciles = (operator: OperatorProcess) =>
  operator
    .log()
    .split("\n")
    .filter((line) => line.includes('"msg":"reconciled"')).length;

function start(identity: string, waitFor: "running" | "candidate") {
  const kubeconfigs = platformKubeconfigs();
  return OperatorProcess.start(kubeconfigs.operator, shard, {
    identity,
    waitFor,
    env: { PILOTHOUSE_OPERATOR_LEASE_SECONDS: String(LEASE_SECONDS) },
  });
}

beforeAll(async () => {
  admin = kubeConfigFrom(platformKubeconfigs().admin);
  api = clusterApi(admin, namespace);
  await installOperatorManifests(admin);
  await api.core.createNamespace({ body: { metadata: { name: namespace } } });
});

afterAll(async () => {
  await first?.stop();
  await second?.stop();
  await OperatorProcess.removeLease(admin, shard);
  await api?.core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe("operator leader election", () => {
  it("lets one of two operators lead; the other waits and does not reconcile", async () => {
    first = await start(`integration-${shard}-a`, "running");
    second = await start(`integration-${shard}-b`, "candidate");
    expect(await holder()).toBe(`integration-${shard}-a`);
    await api.create("elect", shard, { replicas: 1, storage: { size: "1Gi" } });
    const apps = admin.makeApiClient(AppsV1Api);
    await eventually(
      "the leader to create the StatefulSet",
      async () =>
        (await apps.readNamespacedStatefulSet({ namespace, name: "elect" })) ? true : undefined,
      { check: () => first?.assertRunning() },
    );
    await new Promise((resolve) => setTimeout(resolve, 2 * LEASE_SECONDS * 1000));
    second.assertRunning();
    expect(reconciles(first)).toBeGreaterThan(0);
    expect(reconciles(second)).toBe(0);
    expect(second.log()).toContain("lease held by another operator");
    expect(await metrics(first)).toMatch(/^pilothouse_operator_leader 1$/m);
    expect(await metrics(second)).toMatch(/^pilothouse_operator_leader 0$/m);
    expect(await metrics(first)).toMatch(
      /^pilothouse_operator_reconcile_total\{controller="mysqlcluster",result="success"\} [1-9]/m,
    );
    const health = await fetch(`http://127.0.0.1:${second.metricsPort()}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, "ok\n"]);
  });

  it("hands over to the standby when the leader is SIGKILLed, which then acts alone", async () => {
    if (!first || !second) throw new Error("the first test did not start both operators");
    const killedAt = performance.now();
    await first.kill();
    await eventually(
      "the standby to lead",
      async () => ((await holder()) === `integration-${shard}-b` ? true : undefined),
      { check: () => second?.assertRunning(), timeoutMs: 30_000, intervalMs: 100 },
    );
    const takeoverSeconds = (performance.now() - killedAt) / 1000;
    await eventually("the new leader's caches to sync", () =>
      Promise.resolve(second?.log().includes("caches synced") ? true : undefined),
    );
    console.log(
      `leader election: standby took the Lease ${takeoverSeconds.toFixed(2)} s after the ` +
        `leader was SIGKILLed (lease ${LEASE_SECONDS} s)`,
    );
    expect(takeoverSeconds).toBeGreaterThanOrEqual(LEASE_SECONDS - 1);
    await api.patchSpec("elect", { replicas: 2 });
    const apps = admin.makeApiClient(AppsV1Api);
    await eventually(
      "the new leader to scale the StatefulSet",
      async () =>
        (await apps.readNamespacedStatefulSet({ namespace, name: "elect" })).spec?.replicas === 2
          ? true
          : undefined,
      { check: () => second?.assertRunning() },
    );
    expect(reconciles(second)).toBeGreaterThan(0);
  });

  it("releases the Lease on a clean stop, so a successor does not wait a lease duration", async () => {
    await second?.stop();
    expect(second?.log()).toContain("released the lease");
    expect(await holder()).toBeUndefined();
    const startedAt = performance.now();
    first = await start(`integration-${shard}-c`, "running");
    expect((performance.now() - startedAt) / 1000).toBeLessThan(30);
    expect(await holder()).toBe(`integration-${shard}-c`);
  });
});
