/**
 * Failover on three real MariaDB servers: the primary's process is SIGKILLed while a client
 * writes; every write the client saw acknowledged must be on the new primary (semi-synchronous
 * replication, AFTER_SYNC); the old primary, restarted, rejoins as a replica or stays fenced; a
 * replica with errant transactions is never promoted.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Connection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  failover,
  repoint,
  setupReplication,
  type InstanceRef,
  type ReplicationContext,
} from "@/server/mysql";
import { eventually } from "./support/eventually";
import {
  appConnection,
  createTestSchema,
  rowArrives,
  statusOf,
  testContext,
  writtenIds,
} from "./support/mysql-data";
import {
  killServer,
  releaseServers,
  resetServers,
  restartServers,
  rootConnection,
  startServers,
  type LocalServers,
} from "./support/mysql-servers";

let servers: LocalServers;
let context: ReplicationContext;
let db1: InstanceRef, db2: InstanceRef, db3: InstanceRef;
let newPrimary: InstanceRef;
const appPassword = randomBytes(12).toString("hex");

/** Semi-sync commit counters of a primary: acknowledged by a replica, and not. */
async function semiSyncCounters(instance: InstanceRef): Promise<{ yes: number; no: number }> {
  const root = await rootConnection(servers, instance);
  try {
    const [rows] = await root.query("SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_%_tx'");
    const value = (name: string) =>
      Number(
        (rows as { Variable_name: string; Value: string }[]).find((r) => r.Variable_name === name)
          ?.Value ?? -1,
      );
    return { yes: value("Rpl_semi_sync_master_yes_tx"), no: value("Rpl_semi_sync_master_no_tx") };
  } finally {
    await root.end();
  }
}

/** Inserts ids 1, 2, ... until the server fails; records each acknowledged id. */
async function writeUntilFailure(connection: Connection, acknowledged: number[]): Promise<number> {
  for (let id = 1; ; id++) {
    try {
      await connection.query("INSERT INTO writes (id, written_on) VALUES (?, 'old-primary')", [id]);
      acknowledged.push(id);
    } catch {
      return id; // in flight when the server died: never acknowledged
    }
  }
}

beforeAll(async () => {
  servers = await startServers();
  await resetServers(servers);
  [db1, db2, db3] = servers.instances as [InstanceRef, InstanceRef, InstanceRef];
  // A large timeout: semi-sync must never silently fall back to asynchronous replication.
  context = testContext(servers, 3600);
  expect((await setupReplication(context, db1, [db2, db3])).every((o) => o.ok)).toBe(true);
  await createTestSchema(servers, db1, appPassword);
});

afterAll(async () => {
  if (servers) await releaseServers(servers);
});

describe("MariaDB failover through server/mysql", () => {
  it("loses no acknowledged write when the primary is SIGKILLed mid-write", async () => {
    expect((await statusOf(context, db1)).semiSync).toMatchObject({
      sourceActive: true,
      sourceWaitPoint: "AFTER_SYNC",
      sourceClients: 2,
    });
    const acknowledged: number[] = [];
    const client = await appConnection(db1, appPassword);
    const writer = writeUntilFailure(client, acknowledged);
    await eventually("200 acknowledged writes", () =>
      Promise.resolve(acknowledged.length >= 200 || undefined),
    );
    const counters = await semiSyncCounters(db1);
    expect(counters.no).toBe(0); // every commit so far waited for a replica's acknowledgement
    expect(counters.yes).toBeGreaterThanOrEqual(200);

    const lost = performance.now();
    await killServer(servers, db1);
    const inFlight = await writer;
    client.destroy();

    const result = await failover(context, { failedPrimary: db1, replicas: [db2, db3] });
    expect(result).toMatchObject({ ok: true, missingFromKnownPrimary: "" });
    if (!result.ok) return;
    newPrimary = result.primary === db2.name ? db2 : db3;
    const other = newPrimary === db2 ? db3 : db2;
    const next = await appConnection(newPrimary, appPassword);
    await next.query("INSERT INTO writes (id, written_on) VALUES (1000000, 'new-primary')");
    const failoverSeconds = (performance.now() - lost) / 1000;
    await next.end();
    console.log(
      `failover: primary SIGKILLed after ${acknowledged.length} acknowledged writes (id ` +
        `${inFlight} in flight); ${newPrimary.name} took the first write ` +
        `${failoverSeconds.toFixed(3)} s after the kill (failover() itself: ` +
        `${result.durationSeconds.toFixed(3)} s)`,
    );

    const onNewPrimary = new Set(await writtenIds(servers, newPrimary));
    expect(acknowledged.filter((id) => !onNewPrimary.has(id))).toEqual([]);
    expect(result.replicas).toEqual([{ name: other.name, ok: true }]);
    await rowArrives(servers, other, 1000000);
    expect(await statusOf(context, other)).toMatchObject({
      role: "replica",
      readOnly: true,
      replication: { sourcePort: newPrimary.address.port },
    });
  });

  it("lets the restarted old primary rejoin as a replica, or keeps it fenced", async () => {
    await restartServers();
    const outcome = await repoint(context, db1, newPrimary);
    const old = await statusOf(context, db1);
    expect(old.readOnly).toBe(true);
    // What the old primary has and the new one lacks was never acknowledged: at most the one
    // insert in flight at the kill (in the binary log, not yet acknowledged).
    const onNew = new Set(await writtenIds(servers, newPrimary));
    expect((await writtenIds(servers, db1)).filter((id) => !onNew.has(id)).length).toBeLessThan(2);
    if (outcome.ok) {
      console.log(`old primary ${db1.name} rejoined as a replica of ${newPrimary.name}`);
      await rowArrives(servers, db1, 1000000);
      expect(old).toMatchObject({
        role: "replica",
        replication: { sourcePort: newPrimary.address.port },
      });
    } else {
      console.log(`old primary ${db1.name} fenced: ${outcome.message}`);
      expect(outcome).toMatchObject({ reason: "errant-transactions" });
      expect(outcome.errantGtids).toMatch(new RegExp(`^0-${old.serverId}-\\d+$`));
      expect(old.role).toBe("primary"); // replicating from nobody, read-only: fenced
    }
  });

  it("never promotes a replica with errant transactions", async () => {
    const replica = newPrimary === db2 ? db3 : db2;
    const root = await rootConnection(servers, replica);
    await root.query("SET GLOBAL read_only = OFF");
    await root.query(
      "INSERT INTO pilothouse_mysql_test.writes (id, written_on) VALUES (2000000, 'errant')",
    );
    await root.query("SET GLOBAL read_only = ON");
    await root.end();

    await killServer(servers, newPrimary);
    const result = await failover(context, { failedPrimary: newPrimary, replicas: [db1, replica] });
    expect(result.refused).toContainEqual(
      expect.objectContaining({ name: replica.name, reason: "errant-transactions" }),
    );
    // db1 is promoted if it rejoined above; if it stayed fenced, nobody qualifies.
    if (result.ok) expect(result.primary).toBe(db1.name);
    else expect(result.reason).toBe("no-eligible-replica");
    expect(await statusOf(context, replica)).toMatchObject({ readOnly: true });
  });
});
