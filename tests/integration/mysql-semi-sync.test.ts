/**
 * What semi-synchronous replication with AFTER_SYNC guarantees, on three real MariaDB servers:
 * a commit no replica has received is neither acknowledged to its client nor visible to anyone,
 * and the primary holding it, once killed and restarted, is fenced as having errant
 * transactions instead of rejoining.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  failover,
  repoint,
  setupReplication,
  type InstanceRef,
  type ReplicationContext,
} from "@/server/mysql";
import {
  appConnection,
  createTestSchema,
  schemaArrives,
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
const appPassword = randomBytes(12).toString("hex");

async function onReplicas(sql: string): Promise<void> {
  for (const replica of [db2, db3]) {
    const root = await rootConnection(servers, replica);
    await root.query(sql);
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
  for (const replica of [db2, db3]) await schemaArrives(servers, replica);
});

afterAll(async () => {
  if (servers) await releaseServers(servers);
});

it("never acknowledges a write no replica received, and fences the old primary holding it", async () => {
  // The replicas stop receiving, as behind a network partition: the next commit must wait.
  await onReplicas("STOP REPLICA IO_THREAD");
  const client = await appConnection(db1, appPassword);
  let acknowledged = false;
  // The outcome is caught at once: the rejection arrives while the server is being killed, before
  // the assertion below could attach a handler (Node would report it as unhandled).
  const pending: Promise<unknown> = client
    .query("INSERT INTO writes (id, written_on) VALUES (7, 'unacknowledged')")
    .then(
      () => (acknowledged = true),
      (error: unknown) => error,
    );
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(acknowledged).toBe(false);
  // AFTER_SYNC: the row is in the binary log but not committed, so no one can read it yet.
  expect(await writtenIds(servers, db1)).toEqual([]);

  await killServer(servers, db1);
  const failure = await pending;
  expect(acknowledged).toBe(false);
  expect(failure).toBeInstanceOf(Error);
  expect((failure as { code?: string }).code).toBe("PROTOCOL_CONNECTION_LOST");
  client.destroy();
  const result = await failover(context, { failedPrimary: db1, replicas: [db2, db3] });
  expect(result.ok).toBe(true);
  const promoted = result.ok && result.primary === db3.name ? db3 : db2;
  expect(await writtenIds(servers, promoted)).toEqual([]);

  // Crash recovery commits the logged transaction on the old primary: it now has a GTID the
  // new primary has not, so it stays fenced (to be rebuilt from the new primary).
  await restartServers();
  const outcome = await repoint(context, db1, promoted);
  console.log(
    `old primary after an unacknowledged write: ${outcome.ok ? "rejoined" : outcome.message}`,
  );
  expect(outcome).toMatchObject({ ok: false, reason: "errant-transactions" });
  expect(await writtenIds(servers, db1)).toEqual([7]);
  expect(await statusOf(context, db1)).toMatchObject({ readOnly: true, role: "primary" });
});
