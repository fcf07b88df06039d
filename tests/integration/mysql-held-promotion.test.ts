/**
 * Switchover and failover on three real MariaDB servers while the cluster's writes are held
 * (`keepReadOnly`, what the operator passes while a MySQLRestore holds the cluster): the new
 * primary is promoted — replicas follow it, no transaction is lost — but stays read-only, so
 * that the application account cannot write into data a restore may be replacing.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  failover,
  setupReplication,
  switchover,
  type InstanceRef,
  type ReplicationContext,
} from "@/server/mysql";
import {
  appConnection,
  createTestSchema,
  rowArrives,
  schemaArrives,
  statusOf,
  testContext,
  writtenIds,
} from "./support/mysql-data";
import {
  killServer,
  releaseServers,
  resetServers,
  rootConnection,
  startServers,
  type LocalServers,
} from "./support/mysql-servers";

let servers: LocalServers;
let context: ReplicationContext;
let db1: InstanceRef, db2: InstanceRef, db3: InstanceRef;
const appPassword = randomBytes(12).toString("hex");

/** The application account's INSERT on `instance`: undefined when accepted, else the error. */
async function appInsert(instance: InstanceRef, id: number): Promise<string | undefined> {
  const connection = await appConnection(instance, appPassword);
  try {
    await connection.query("INSERT INTO writes (id, written_on) VALUES (?, 'app')", [id]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await connection.end();
  }
}

/** What a restore does while the cluster is held: root bypasses read_only. */
async function restoreWrite(instance: InstanceRef, id: number): Promise<void> {
  const root = await rootConnection(servers, instance);
  try {
    await root.query(
      "INSERT INTO pilothouse_mysql_test.writes (id, written_on) VALUES (?, 'restore')",
      [id],
    );
  } finally {
    await root.end();
  }
}

beforeAll(async () => {
  servers = await startServers();
  await resetServers(servers);
  [db1, db2, db3] = servers.instances as [InstanceRef, InstanceRef, InstanceRef];
  context = testContext(servers, 3600);
  expect((await setupReplication(context, db1, [db2, db3])).every((o) => o.ok)).toBe(true);
  await createTestSchema(servers, db1, appPassword);
  await schemaArrives(servers, db2);
  await schemaArrives(servers, db3);
  // The restore holds the cluster: the primary is read-only for clients.
  const root = await rootConnection(servers, db1);
  await root.query("SET GLOBAL read_only = ON");
  await root.end();
  await restoreWrite(db1, 1);
});

afterAll(async () => {
  if (servers) await releaseServers(servers);
});

describe("MariaDB promotion while writes are held (keepReadOnly)", () => {
  it("switches over to a read-only primary; a refused client write, every row kept", async () => {
    const result = await switchover(context, {
      primary: db1,
      candidate: db2,
      replicas: [db3],
      keepReadOnly: true,
    });
    expect(result).toMatchObject({ ok: true, primary: db2.name });
    expect(await statusOf(context, db2)).toMatchObject({ role: "primary", readOnly: true });
    for (const replica of [db1, db3]) {
      expect(await statusOf(context, replica)).toMatchObject({
        role: "replica",
        readOnly: true,
        replication: { sourcePort: db2.address.port },
      });
    }
    expect(await writtenIds(servers, db2)).toEqual([1]);
    expect(await appInsert(db2, 2)).toMatch(/read-only|--read-only/);
    // The restore goes on writing into the new primary, and it replicates.
    await restoreWrite(db2, 3);
    await rowArrives(servers, db3, 3);
    await rowArrives(servers, db1, 3);
  });

  it("fails over to a read-only primary when the held primary is lost", async () => {
    await killServer(servers, db2);
    const result = await failover(context, {
      failedPrimary: db2,
      replicas: [db1, db3],
      keepReadOnly: true,
    });
    expect(result).toMatchObject({ ok: true, missingFromKnownPrimary: "" });
    if (!result.ok) return;
    const promoted = result.primary === db1.name ? db1 : db3;
    const other = promoted === db1 ? db3 : db1;
    expect(await statusOf(context, promoted)).toMatchObject({ role: "primary", readOnly: true });
    expect(await statusOf(context, other)).toMatchObject({
      role: "replica",
      readOnly: true,
      replication: { sourcePort: promoted.address.port },
    });
    expect(await writtenIds(servers, promoted)).toEqual([1, 3]);
    expect(await appInsert(promoted, 4)).toMatch(/read-only/);
  });
});
