/**
 * GTID replication, read-only replicas, switchover and errant-transaction refusal on three real
 * MariaDB servers (platform/scripts/mariadb.sh), through the operator's server/mysql module.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statement } from "@/server/mysql/dialect-common";
import { withInstance } from "@/server/mysql/session";
import {
  StatementError,
  chooseFailoverCandidate,
  probeAll,
  repoint,
  setupReplication,
  switchover,
  type InstanceRef,
  type ReplicationContext,
} from "@/server/mysql";
import {
  appConnection,
  createTestSchema,
  rowArrives,
  statusOf,
  testContext,
  writtenIds,
} from "./support/mysql-data";
import {
  releaseServers,
  resetServers,
  rootConnection,
  scriptIndex,
  startServers,
  type LocalServers,
} from "./support/mysql-servers";
import { eventually } from "./support/eventually";

let servers: LocalServers;
let context: ReplicationContext;
let db1: InstanceRef, db2: InstanceRef, db3: InstanceRef;
const appPassword = randomBytes(12).toString("hex");

async function insert(instance: InstanceRef, id: number): Promise<void> {
  const connection = await appConnection(instance, appPassword);
  try {
    await connection.query("INSERT INTO writes (id, written_on) VALUES (?, ?)", [
      id,
      instance.name,
    ]);
  } finally {
    await connection.end();
  }
}

beforeAll(async () => {
  servers = await startServers();
  await resetServers(servers);
  [db1, db2, db3] = servers.instances as [InstanceRef, InstanceRef, InstanceRef];
  context = testContext(servers, 30);
});

afterAll(async () => {
  if (servers) await releaseServers(servers);
});

describe("MariaDB GTID replication through server/mysql", () => {
  it("sets up replication: a write on the primary appears on every replica", async () => {
    const outcomes = await setupReplication(context, db1, [db2, db3]);
    expect(outcomes).toEqual([
      { name: db2.name, ok: true },
      { name: db3.name, ok: true },
    ]);
    await createTestSchema(servers, db1, appPassword);
    await insert(db1, 1);
    for (const replica of [db2, db3]) {
      await rowArrives(servers, replica, 1);
      const status = await statusOf(context, replica);
      expect(status).toMatchObject({ role: "replica", readOnly: true });
      expect(status.replication).toMatchObject({
        sourcePort: db1.address.port,
        ioThread: "running",
        sqlThread: "running",
        usingGtid: true,
        lastIoError: undefined,
        lastSqlError: undefined,
      });
    }
    const primary = await statusOf(context, db1);
    expect(primary).toMatchObject({
      role: "primary",
      readOnly: false,
      serverId: scriptIndex(servers, db1),
    });
    expect(primary.semiSync).toMatchObject({
      sourceEnabled: true,
      sourceActive: true,
      sourceWaitPoint: "AFTER_SYNC",
      sourceClients: 2,
    });
  });

  it("keeps replicas read-only for the application account", async () => {
    for (const replica of [db2, db3]) {
      await expect(insert(replica, 100)).rejects.toMatchObject({ errno: 1290 });
    }
    await insert(db1, 2);
    await rowArrives(servers, db3, 2);
  });

  it("switches over with no lost writes while a client keeps writing", async () => {
    const acknowledged: number[] = [];
    let stop = false;
    const writer = (async () => {
      for (let id = 1000; !stop; id++) {
        try {
          await insert(db1, id);
          acknowledged.push(id);
        } catch {
          return; // the old primary is read-only now
        }
      }
    })();
    await eventually("some writes", () => Promise.resolve(acknowledged.length >= 20 || undefined));
    const result = await switchover(context, { primary: db1, candidate: db2, replicas: [db3] });
    stop = true;
    await writer;
    expect(result).toMatchObject({ ok: true, primary: db2.name });
    if (!result.ok) return;
    expect(result.replicas.every((r) => r.ok)).toBe(true);
    console.log(
      `switchover: ${acknowledged.length} acknowledged writes, writes unavailable for ` +
        `${result.writeUnavailableSeconds.toFixed(3)} s`,
    );
    const onNewPrimary = await writtenIds(servers, db2);
    expect(acknowledged.filter((id) => !onNewPrimary.includes(id))).toEqual([]);
    await insert(db2, 3);
    for (const replica of [db1, db3]) {
      await rowArrives(servers, replica, 3);
      expect(await statusOf(context, replica)).toMatchObject({
        role: "replica",
        readOnly: true,
        replication: { sourcePort: db2.address.port, ioThread: "running", sqlThread: "running" },
      });
    }
    await expect(insert(db1, 101)).rejects.toMatchObject({ errno: 1290 });
  });

  it("refuses a replica with errant transactions as a candidate, and says why", async () => {
    // A write made directly on replica db3 with read_only switched off.
    const root = await rootConnection(servers, db3);
    await root.query("SET GLOBAL read_only = OFF");
    await insert(db3, 500);
    await root.query("SET GLOBAL read_only = ON");
    await root.end();
    const errant = new RegExp(`^0-${scriptIndex(servers, db3)}-\\d+$`);

    const refused = await switchover(context, { primary: db2, candidate: db3, replicas: [db1] });
    expect(refused).toMatchObject({ ok: false, reason: "errant-transactions" });
    expect(!refused.ok && refused.errantGtids).toMatch(errant);
    expect(await statusOf(context, db2)).toMatchObject({ role: "primary", readOnly: false });

    const choice = chooseFailoverCandidate(await probeAll(context, [db1, db3]));
    expect(choice.ok && choice.candidate.name).toBe(db1.name);
    expect(choice.refused).toEqual([
      expect.objectContaining({ name: db3.name, reason: "errant-transactions" }),
    ]);
    expect(choice.refused[0]?.errantGtids).toMatch(errant);
    expect(choice.refused[0]?.message).toMatch(/has errant transactions 0-\d+-\d+/);

    const repointed = await repoint(context, db3, db2);
    expect(repointed).toMatchObject({ ok: false, reason: "errant-transactions" });
    expect(await statusOf(context, db3)).toMatchObject({ readOnly: true });
  });

  it("keeps passwords out of errors, even when the server echoes the statement", async () => {
    const secret = "s3cret'pw";
    // A syntax error makes the server quote the statement text back.
    const broken = statement(
      "broken",
      "CHANGE MASTER TO NONSENSE MASTER_PASSWORD = ?",
      [secret],
      [secret],
    );
    const error: unknown = await withInstance(context, db1, (session) => session.run(broken)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StatementError);
    const text = JSON.stringify(error, Object.getOwnPropertyNames(error));
    const cause = (error as StatementError).cause as Error & { sql?: string };
    expect((error as StatementError).message).toContain("[redacted]");
    expect(`${text} ${cause.message} ${cause.sql ?? ""}`).not.toMatch(/s3cret/);
  });
});
