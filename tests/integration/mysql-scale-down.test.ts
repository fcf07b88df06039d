/**
 * Scaling a MySQLCluster down past its primary: the operator process as shipped, against the
 * real control plane, with the KWOK pods of a 3-server cluster bound to three real MariaDB
 * servers (instances 10-12 of platform/scripts/mariadb.sh, used by no other test) through
 * PILOTHOUSE_OPERATOR_INSTANCE_ADDRESSES. The primary is moved to ordinal 2 with the switchover
 * annotation, then `spec.replicas` is lowered to 2: the operator must switch over to ordinal 0
 * or 1 first (no acknowledged semi-sync write lost), keeping the StatefulSet at 3 meanwhile,
 * and only then scale the StatefulSet down. Then, scaling to 1 while the only server that stays
 * is down, the StatefulSet keeps its size and the condition says why, until the server is back.
 *
 * Needs the local platform: `./pilothouse up`, then source ~/.cache/pilothouse/state/dev/env.sh.
 */
import { randomBytes } from "node:crypto";
import { AppsV1Api, type KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";
import type { InstanceRef } from "@/server/mysql";
import { eventually } from "./support/eventually";
import {
  installOperatorManifests,
  kubeConfigFrom,
  platformKubeconfigs,
} from "./support/kube-admin";
import { clusterApi, conditionOf } from "./support/mysql-cluster-api";
import { appConnection, createTestSchema, schemaArrives, writtenIds } from "./support/mysql-data";
import { writeUntilRefused } from "./support/mysql-server-queries";
import {
  killServer,
  releaseServers,
  resetServers,
  restartServers,
  startServers,
  type LocalServers,
} from "./support/mysql-servers";
import { OperatorProcess } from "./support/operator-process";

const suffix = randomBytes(3).toString("hex");
const namespace = `mysqlshrink-it-${suffix}`;
const shard = `shrink-${suffix}`;
const name = "shrink";
const pod = (ordinal: number) => `${name}-${ordinal}`;
const appPassword = randomBytes(12).toString("hex");
const FIRST_INDEX = 10;

let servers: LocalServers;
let admin: KubeConfig | undefined;
let api: ReturnType<typeof clusterApi>;
let apps: AppsV1Api;
let operator: OperatorProcess | undefined;
const serverOf = new Map<string, InstanceRef>();
const alive = () => operator?.assertRunning();

function server(podName: string): InstanceRef {
  const instance = serverOf.get(podName);
  if (!instance) throw new Error(`no server for ${podName}`);
  return instance;
}

function clusterWhere(
  what: string,
  predicate: (cluster: MySQLCluster) => boolean,
  timeoutMs = 60_000,
): Promise<MySQLCluster> {
  return eventually(
    what,
    async () => {
      const cluster = await api.read(name);
      return predicate(cluster) ? cluster : undefined;
    },
    { check: alive, timeoutMs, intervalMs: 100 },
  );
}

const healthy = (cluster: MySQLCluster) =>
  conditionOf(cluster, "Ready")?.status === "True" &&
  conditionOf(cluster, "ReplicationHealthy")?.status === "True";

async function statefulSetReplicas(): Promise<number | undefined> {
  const sts = await apps.readNamespacedStatefulSet({ namespace, name });
  return sts.spec?.replicas;
}

beforeAll(async () => {
  const kubeconfigs = platformKubeconfigs();
  admin = kubeConfigFrom(kubeconfigs.admin);
  api = clusterApi(admin, namespace);
  apps = admin.makeApiClient(AppsV1Api);
  await installOperatorManifests(admin);
  servers = await startServers(FIRST_INDEX);
  await resetServers(servers);
  servers.instances.forEach((instance, ordinal) => serverOf.set(pod(ordinal), instance));
  await api.core.createNamespace({ body: { metadata: { name: namespace } } });
  await api.core.createNamespacedSecret({
    namespace,
    body: {
      metadata: { name: `${name}-credentials` },
      stringData: { "root-password": servers.rootPassword },
    },
  });
  const addresses = Object.fromEntries(
    servers.instances.map((instance, ordinal) => [
      `${namespace}/${pod(ordinal)}`,
      `${instance.address.host}:${instance.address.port}`,
    ]),
  );
  operator = await OperatorProcess.start(kubeconfigs.operator, shard, {
    env: {
      PILOTHOUSE_OPERATOR_INSTANCE_ADDRESSES: JSON.stringify(addresses),
      PILOTHOUSE_OPERATOR_PROBE_SECONDS: "1",
    },
  });
});

afterAll(async () => {
  await operator?.stop();
  if (admin) await OperatorProcess.removeLease(admin, shard);
  await api?.core.deleteNamespace({ name: namespace }).catch(() => undefined);
  if (servers) await releaseServers(servers);
});

describe("scaling a MySQLCluster down past its primary", () => {
  it("starts with the primary on the last ordinal (moved there by a switchover)", async () => {
    await api.create(name, shard, {
      engine: "mariadb",
      version: "10.11",
      replicas: 3,
      storage: { size: "1Gi" },
      failover: { unreachableSeconds: 5 },
    });
    await clusterWhere("the cluster to be Ready and replicating", healthy);
    await createTestSchema(servers, server(pod(0)), appPassword);
    await schemaArrives(servers, server(pod(2)));
    await api.annotate(name, "pilothouse.dev/switchover-to", pod(2));
    const cluster = await clusterWhere(
      `${pod(2)} to be the primary and replication healthy`,
      (c) => c.status?.primary === pod(2) && healthy(c),
    );
    expect(cluster.status?.lastSwitchover).toMatchObject({ to: pod(2), outcome: "Succeeded" });
  });

  it("switches over to a server that stays before removing the primary's pod, losing no write", async () => {
    const acknowledged: number[] = [];
    const writer = await appConnection(server(pod(2)), appPassword);
    const writing = writeUntilRefused(writer, 1, acknowledged);
    await eventually("50 acknowledged writes", () =>
      Promise.resolve(acknowledged.length >= 50 || undefined),
    );
    // Sample the StatefulSet and the recorded primary together: the StatefulSet must never be
    // scaled to 2 while the primary is still the pod that removes.
    const samples: { replicas: number | undefined; primary: string | undefined }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [replicas, cluster] = await Promise.all([statefulSetReplicas(), api.read(name)]);
        samples.push({ replicas, primary: cluster.status?.primary });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await api.patchSpec(name, { replicas: 2 });
    const switched = await clusterWhere(
      "status.primary to move to a server that stays",
      (c) => c.status?.primary === pod(0) || c.status?.primary === pod(1),
    ).finally(() => writer.destroy());
    await writing; // refused once the old primary was fenced (read-only)
    const target = switched.status?.primary ?? "";
    expect(switched.status?.lastSwitchover).toMatchObject({
      from: pod(2),
      to: target,
      outcome: "Succeeded",
    });

    // Semi-sync AFTER_SYNC: every write the client saw acknowledged is on the new primary.
    const onTarget = new Set(await writtenIds(servers, server(target)));
    expect(acknowledged.length).toBeGreaterThanOrEqual(50);
    expect(acknowledged.filter((id) => !onTarget.has(id))).toEqual([]);

    await eventually(
      "the StatefulSet to have 2 replicas",
      async () => ((await statefulSetReplicas()) === 2 ? true : undefined),
      { check: alive, timeoutMs: 30_000, intervalMs: 100 },
    );
    const settled = await clusterWhere(
      "the cluster to be Ready on 2 servers",
      (c) =>
        healthy(c) &&
        c.status?.replicas === 2 &&
        (c.status.instances ?? []).length === 2 &&
        c.status.observedGeneration === c.metadata.generation,
    );
    sampling = false;
    await sampler;
    expect(settled.status?.primary).toBe(target);
    expect(samples.filter((s) => s.replicas === 2 && s.primary === pod(2))).toEqual([]);
    expect(samples.some((s) => s.replicas === 3 && s.primary === target)).toBe(true);

    const events = await api.events(name);
    const before = events.find((e) => e.reason === "SwitchingOverBeforeScaleDown");
    expect(before?.type).toBe("Normal");
    expect(before?.message).toContain(`from ${pod(2)} to ${target} before scaling down to 2`);
    expect(events.map((e) => e.reason)).toContain("SwitchedOver");
    expect(events.map((e) => e.reason)).not.toContain("FailedOver");
    console.log(
      `scale-down 3 -> 2 with the primary on ${pod(2)}: switched over to ${target} after ` +
        `${acknowledged.length} acknowledged writes, then scaled down (${samples.length} samples). ` +
        `Event: ${before?.message}`,
    );
  });

  it("keeps the primary's pod and says why while no server that stays can take over", async () => {
    let cluster = await api.read(name);
    if (cluster.status?.primary !== pod(1)) {
      await api.annotate(name, "pilothouse.dev/switchover-to", pod(1));
      cluster = await clusterWhere(
        `${pod(1)} to be the primary`,
        (c) => c.status?.primary === pod(1) && healthy(c),
      );
    }
    await killServer(servers, server(pod(0)));
    await api.patchSpec(name, { replicas: 1 });
    const blocked = await clusterWhere(
      "Progressing=False ScaleDownBlocked",
      (c) => conditionOf(c, "Progressing")?.reason === "ScaleDownBlocked",
    );
    expect(conditionOf(blocked, "Progressing")).toMatchObject({ status: "False" });
    expect(conditionOf(blocked, "Progressing")?.message).toContain(`${pod(0)} is unreachable`);
    expect(blocked.status?.primary).toBe(pod(1));
    // It stays blocked, not scaled down: a few probe intervals later the pod is still there.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await statefulSetReplicas()).toBe(2);
    expect((await api.read(name)).status?.primary).toBe(pod(1));
    const warning = (await api.events(name)).find((e) => e.reason === "ScaleDownBlocked");
    expect(warning?.type).toBe("Warning");

    await restartServers(FIRST_INDEX);
    const settled = await clusterWhere(
      `${pod(0)} to be the primary of a 1-server cluster`,
      (c) =>
        c.status?.primary === pod(0) &&
        conditionOf(c, "Ready")?.status === "True" &&
        c.status.replicas === 1 &&
        c.status.observedGeneration === c.metadata.generation,
    );
    expect(settled.status?.lastSwitchover).toMatchObject({
      from: pod(1),
      to: pod(0),
      outcome: "Succeeded",
    });
    expect(await statefulSetReplicas()).toBe(1);
    console.log(`scale-down 2 -> 1: blocked while ${pod(0)} was down: ${warning?.message}`);
  });
});
