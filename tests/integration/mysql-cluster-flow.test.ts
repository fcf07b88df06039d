/**
 * The whole flow, objects and database together: the operator process as shipped, against the
 * real control plane, with the three KWOK pods of a MySQLCluster bound to three real MariaDB
 * servers (instances 7-9 of platform/scripts/mariadb.sh) through the operator's one seam from
 * pod to address (PILOTHOUSE_OPERATOR_INSTANCE_ADDRESSES). Replication is set up for real, the
 * primary's server is SIGKILLed mid-write, the operator fails over and moves the primary
 * Service; a switchover on request loses no write; errant transactions block a promotion.
 *
 * Needs the local platform: `./pilothouse up`, then source ~/.cache/pilothouse/state/dev/env.sh.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { KubeConfig } from "@kubernetes/client-node";
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
import { appConnection, createTestSchema, rowArrives, writtenIds } from "./support/mysql-data";
import {
  killServer,
  releaseServers,
  resetServers,
  restartServers,
  rootConnection,
  startServers,
  type LocalServers,
} from "./support/mysql-servers";
import {
  globalVariableOf,
  replicaStatusOf,
  tryAppInsert,
  writeUntilRefused,
} from "./support/mysql-server-queries";
import { OperatorProcess } from "./support/operator-process";

const suffix = randomBytes(3).toString("hex");
const namespace = `mysqlflow-it-${suffix}`;
const shard = `flow-${suffix}`;
const name = "flow";
const pod = (ordinal: number) => `${name}-${ordinal}`;
const appPassword = randomBytes(12).toString("hex");
const FIRST_INDEX = 7;

let servers: LocalServers;
let admin: KubeConfig | undefined;
let api: ReturnType<typeof clusterApi>;
let operator: OperatorProcess | undefined;
/** The server behind each pod. */
const serverOf = new Map<string, InstanceRef>();
const alive = () => operator?.assertRunning();

function server(podName: string): InstanceRef {
  const instance = serverOf.get(podName);
  if (!instance) throw new Error(`no server for ${podName}`);
  return instance;
}

/** Waits until `predicate` holds for the cluster; returns it. */
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

const replicaStatus = (instance: InstanceRef) => replicaStatusOf(servers, instance);
const globalVariable = (instance: InstanceRef, variable: string) =>
  globalVariableOf(servers, instance, variable);
const tryInsert = (instance: InstanceRef, id: number) => tryAppInsert(instance, appPassword, id);

beforeAll(async () => {
  const kubeconfigs = platformKubeconfigs();
  admin = kubeConfigFrom(kubeconfigs.admin);
  api = clusterApi(admin, namespace);
  await installOperatorManifests(admin);
  servers = await startServers(FIRST_INDEX);
  await resetServers(servers);
  servers.instances.forEach((instance, ordinal) => serverOf.set(pod(ordinal), instance));
  await api.core.createNamespace({ body: { metadata: { name: namespace } } });
  // The servers were initialised with this root password: give it to the cluster, as a user
  // restoring existing servers would. The operator adds the replication password.
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

describe("MySQLCluster on real MariaDB servers", () => {
  let primary = pod(0);

  it("sets up GTID replication for real: a write on the primary reaches both replicas", async () => {
    await api.create(name, shard, {
      engine: "mariadb",
      version: "10.11",
      replicas: 3,
      storage: { size: "1Gi" },
      failover: { unreachableSeconds: 5 },
    });
    const cluster = await clusterWhere("the cluster to be Ready and replicating", healthy);
    expect(cluster.status).toMatchObject({ phase: "Ready", primary: pod(0) });
    expect(cluster.status?.instances?.map((i) => [i.name, i.role, i.readOnly])).toEqual([
      [pod(0), "primary", false],
      [pod(1), "replica", true],
      [pod(2), "replica", true],
    ]);
    for (const replica of [pod(1), pod(2)]) {
      expect(await replicaStatus(server(replica))).toEqual({
        sourcePort: server(pod(0)).address.port,
        io: "Yes",
        sql: "Yes",
      });
      expect(await globalVariable(server(replica), "read_only")).toBe("1");
    }
    expect(await globalVariable(server(pod(0)), "rpl_semi_sync_master_enabled")).toBe("1");
    expect(await globalVariable(server(pod(0)), "rpl_semi_sync_master_wait_point")).toBe(
      "AFTER_SYNC",
    );
    const secret = await api.core.readNamespacedSecret({ namespace, name: `${name}-credentials` });
    expect(Object.keys(secret.data ?? {}).sort()).toEqual([
      "replication-password",
      "root-password",
    ]);

    await createTestSchema(servers, server(pod(0)), appPassword);
    expect(await tryInsert(server(pod(0)), 1)).toBe(true);
    await rowArrives(servers, server(pod(1)), 1);
    await rowArrives(servers, server(pod(2)), 1);
    expect(await tryInsert(server(pod(1)), 2)).toBe(false); // replicas refuse writes

    expect(await api.roles(name)).toEqual({
      [pod(0)]: "primary",
      [pod(1)]: "replica",
      [pod(2)]: "replica",
    });
    await eventually("the Services' EndpointSlices to follow the roles", async () => {
      const [primaryPods, replicaPods] = await Promise.all([
        api.endpointPods(`${name}-primary`),
        api.endpointPods(`${name}-replicas`),
      ]);
      return primaryPods.join() === pod(0) && replicaPods.join() === `${pod(1)},${pod(2)}`
        ? true
        : undefined;
    });
    const events = await api.events(name);
    expect(events.map((e) => e.reason)).toContain("Ready");
    expect(new Set(events.map((e) => e.reportingInstance))).toEqual(
      new Set([`integration-${shard}`]),
    );
  });

  it("fails over when the primary's server is SIGKILLed mid-write, and moves the primary Service", async () => {
    const acknowledged: number[] = [];
    const writer = await appConnection(server(pod(0)), appPassword);
    const writing = writeUntilRefused(writer, 100, acknowledged);
    await eventually("100 acknowledged writes", () =>
      Promise.resolve(acknowledged.length >= 100 || undefined),
    );

    const killedAt = performance.now();
    await killServer(servers, server(pod(0)));
    await writing;
    writer.destroy();

    // Time from the kill until a surviving server accepts an application write.
    let probeId = 1_000_000;
    const writable = await eventually(
      "a writable new primary",
      async () => {
        for (const candidate of [pod(1), pod(2)]) {
          if (await tryInsert(server(candidate), probeId++)) return candidate;
        }
        return undefined;
      },
      { check: alive, timeoutMs: 60_000, intervalMs: 50 },
    );
    const writableSeconds = (performance.now() - killedAt) / 1000;

    const cluster = await clusterWhere(
      "status.primary to move",
      (c) => c.status?.primary === writable,
    );
    expect(cluster.status?.lastFailover).toMatchObject({ from: pod(0), to: writable });
    expect(cluster.status?.lastFailover?.reason).toMatch(/unreachable for \d+ s/);
    await eventually(
      "the primary Service's EndpointSlice to point at the new primary",
      async () =>
        (await api.endpointPods(`${name}-primary`)).join() === writable ? true : undefined,
      { check: alive, intervalMs: 100 },
    );
    const serviceSeconds = (performance.now() - killedAt) / 1000;
    const events = await api.events(name);
    const failedOver = events.find((e) => e.reason === "FailedOver");
    expect(failedOver).toMatchObject({
      type: "Warning",
      reportingInstance: `integration-${shard}`,
    });
    console.log(
      `failover: ${pod(0)} SIGKILLed after ${acknowledged.length} acknowledged writes; ` +
        `${writable} accepted writes ${writableSeconds.toFixed(2)} s after the kill ` +
        `(spec.failover.unreachableSeconds=5, probe every 1 s); the primary Service's ` +
        `EndpointSlice pointed at it after ${serviceSeconds.toFixed(2)} s. Event: ${failedOver?.message}`,
    );

    // Semi-sync AFTER_SYNC: every write the client saw acknowledged is on the new primary.
    const onNewPrimary = new Set(await writtenIds(servers, server(writable)));
    expect(acknowledged.filter((id) => !onNewPrimary.has(id))).toEqual([]);
    const other = writable === pod(1) ? pod(2) : pod(1);
    await rowArrives(servers, server(other), acknowledged.at(-1) ?? 100);
    expect((await replicaStatus(server(other)))?.sourcePort).toBe(server(writable).address.port);
    primary = writable;
  });

  it("lets the restarted old primary rejoin as a replica, or keeps it fenced and says so", async () => {
    await restartServers(FIRST_INDEX);
    const cluster = await clusterWhere(`${pod(0)} to rejoin or be fenced`, (c) => {
      const old = c.status?.instances?.find((i) => i.name === pod(0));
      return (
        old?.reachable === true && (old.role === "replica" || old.errantTransactions !== undefined)
      );
    });
    const old = cluster.status?.instances?.find((i) => i.name === pod(0));
    expect(await globalVariable(server(pod(0)), "read_only")).toBe("1");
    if (old?.role === "replica") {
      console.log(`old primary ${pod(0)} rejoined as a replica of ${primary}`);
      expect((await replicaStatus(server(pod(0))))?.sourcePort).toBe(server(primary).address.port);
      await clusterWhere("replication to be healthy again", healthy);
      expect((await api.roles(name))[pod(0)]).toBe("replica");
    } else {
      console.log(`old primary ${pod(0)} fenced: errant transactions ${old?.errantTransactions}`);
      expect(conditionOf(cluster, "ReplicationHealthy")).toMatchObject({
        status: "False",
        reason: "ErrantTransactions",
      });
      expect((await api.roles(name))[pod(0)]).toBe("-");
    }
  });

  it("switches over on the annotation with no lost write, removes it, and reports it", async () => {
    const target = primary === pod(1) ? pod(2) : pod(1);
    const acknowledged: number[] = [];
    const writer = await appConnection(server(primary), appPassword);
    const writing = writeUntilRefused(writer, 10_000, acknowledged);
    await eventually("50 acknowledged writes", () =>
      Promise.resolve(acknowledged.length >= 50 || undefined),
    );
    await api.annotate(name, "pilothouse.dev/switchover-to", target);
    const cluster = await clusterWhere(
      "the switchover to be answered",
      (c) => c.status?.lastSwitchover?.to === target,
    ).finally(() => writer.destroy());
    expect(cluster.status?.lastSwitchover).toMatchObject({
      from: primary,
      to: target,
      outcome: "Succeeded",
    });
    expect(cluster.status?.primary).toBe(target);
    await writing; // refused once the old primary was fenced (read-only)
    await eventually("the annotation to be removed", async () =>
      (await api.read(name)).metadata.annotations?.["pilothouse.dev/switchover-to"] === undefined
        ? true
        : undefined,
    );
    const onTarget = new Set(await writtenIds(servers, server(target)));
    expect(acknowledged.filter((id) => !onTarget.has(id))).toEqual([]);
    expect(await tryInsert(server(target), 20_000)).toBe(true);
    await rowArrives(servers, server(primary), 20_000); // the old primary replicates from it
    await eventually("the primary Service to follow the switchover", async () =>
      (await api.endpointPods(`${name}-primary`)).join() === target ? true : undefined,
    );
    const switched = (await api.events(name)).find((e) => e.reason === "SwitchedOver");
    expect(switched?.type).toBe("Normal");
    console.log(
      `switchover ${primary} -> ${target} after ${acknowledged.length} writes: ${switched?.message}`,
    );
    primary = target;
  });

  it("refuses a switchover to a pod that is not a server, with an Event and the reason", async () => {
    await api.annotate(name, "pilothouse.dev/switchover-to", `${name}-7`);
    const cluster = await clusterWhere(
      "the refusal to be recorded",
      (c) => c.status?.lastSwitchover?.to === `${name}-7`,
    );
    expect(cluster.status?.lastSwitchover).toMatchObject({ outcome: "Refused" });
    expect(cluster.status?.primary).toBe(primary);
    await eventually("the annotation to be removed", async () =>
      (await api.read(name)).metadata.annotations?.["pilothouse.dev/switchover-to"] === undefined
        ? true
        : undefined,
    );
    const refused = (await api.events(name)).find((e) => e.reason === "SwitchoverRefused");
    expect(refused?.message).toContain("is not a server of this cluster");
  });

  it("never promotes a replica with errant transactions: the primary stays, the condition says why", async () => {
    const replicas = [pod(0), pod(1), pod(2)].filter((p) => p !== primary);
    for (const replica of replicas) {
      // Root bypasses read_only on MariaDB: a write made on the replica, not on the primary.
      const root = await rootConnection(servers, server(replica));
      await root.query(
        "INSERT INTO pilothouse_mysql_test.writes (id, written_on) VALUES (?, 'errant')",
        [30_000 + replicas.indexOf(replica)],
      );
      await root.end();
    }
    await killServer(servers, server(primary));
    const cluster = await clusterWhere(
      "the failover to be refused for errant transactions",
      (c) => {
        // A fenced old primary may already have made the reason ErrantTransactions: wait for
        // the refused failover itself.
        const condition = conditionOf(c, "ReplicationHealthy");
        return (
          condition?.reason === "ErrantTransactions" &&
          condition.message.includes("failover refused")
        );
      },
      60_000,
    );
    expect(cluster.status?.primary).toBe(primary);
    expect(conditionOf(cluster, "ReplicationHealthy")?.message).toContain("failover refused");
    for (const replica of replicas) {
      expect(await tryInsert(server(replica), 40_000)).toBe(false); // nobody was opened for writes
    }
    // The Event is recorded after the status write that the wait above saw.
    const event = await eventually("the ErrantTransactions Event", async () =>
      (await api.events(name)).find((e) => e.reason === "ErrantTransactions"),
    );
    expect(event.type).toBe("Warning");
    await restartServers(FIRST_INDEX);
  });
});
