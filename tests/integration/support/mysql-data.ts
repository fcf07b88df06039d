/**
 * Test data and operator context for the replication tests: the test table, the application
 * account (without READ ONLY ADMIN, so read_only applies to it), and polling helpers.
 */
import { randomBytes } from "node:crypto";
import { createConnection, type Connection } from "mysql2/promise";
import {
  createReplicationContext,
  probe,
  type InstanceRef,
  type InstanceStatus,
  type ReplicationContext,
} from "@/server/mysql";
import { eventually } from "./eventually";
import {
  APP_USER,
  REPLICATION_USER,
  TEST_DATABASE,
  rootConnection,
  type LocalServers,
} from "./mysql-servers";

/** A connection as the application account (no READ ONLY ADMIN: read_only applies to it). */
export function appConnection(instance: InstanceRef, password: string): Promise<Connection> {
  return createConnection({
    ...instance.address,
    user: APP_USER,
    password,
    database: TEST_DATABASE,
  });
}

/** Creates the test table and the application account on the primary (both replicate). */
export async function createTestSchema(
  servers: LocalServers,
  primary: InstanceRef,
  appPassword: string,
): Promise<void> {
  const connection = await rootConnection(servers, primary);
  try {
    await connection.query(`CREATE DATABASE ${TEST_DATABASE}`);
    await connection.query(
      `CREATE TABLE ${TEST_DATABASE}.writes (id INT PRIMARY KEY, written_on VARCHAR(32) NOT NULL)`,
    );
    await connection.query("CREATE USER ?@'%' IDENTIFIED BY ?", [APP_USER, appPassword]);
    await connection.query(`GRANT SELECT, INSERT ON ${TEST_DATABASE}.* TO ?@'%'`, [APP_USER]);
  } finally {
    await connection.end();
  }
}

/** The ids in the test table on one server. */
export async function writtenIds(servers: LocalServers, instance: InstanceRef): Promise<number[]> {
  const connection = await rootConnection(servers, instance);
  try {
    const [rows] = await connection.query(`SELECT id FROM ${TEST_DATABASE}.writes ORDER BY id`);
    return (rows as { id: number }[]).map((row) => row.id);
  } finally {
    await connection.end();
  }
}

/**
 * The operator's context for the local servers: root as the admin account, a fresh replication
 * password, semi-sync AFTER_SYNC with `semiSyncTimeoutSeconds`, one-second reconnects.
 */
export function testContext(
  servers: LocalServers,
  semiSyncTimeoutSeconds: number,
): ReplicationContext {
  return createReplicationContext({
    engine: "mariadb",
    admin: { user: "root", password: servers.rootPassword },
    replication: { user: REPLICATION_USER, password: randomBytes(12).toString("hex") },
    semiSync: { enabled: true, timeoutSeconds: semiSyncTimeoutSeconds },
    connectTimeoutSeconds: 2,
    connectRetrySeconds: 1,
  });
}

/** Probes an instance that must be reachable. */
export async function statusOf(
  context: ReplicationContext,
  instance: InstanceRef,
): Promise<InstanceStatus> {
  const result = await probe(context, instance);
  if (!result.reachable) throw new Error(`${instance.name} unreachable: ${result.error}`);
  return result;
}

/** Resolves once `id` is in the test table on `instance` (20 s at most). */
export async function rowArrives(
  servers: LocalServers,
  instance: InstanceRef,
  id: number,
): Promise<void> {
  await eventually(
    `row ${id} on ${instance.name}`,
    async () => ((await writtenIds(servers, instance)).includes(id) ? true : undefined),
    { timeoutMs: 20_000 },
  );
}

/** Resolves once the test table exists on `instance` (20 s at most). */
export async function schemaArrives(servers: LocalServers, instance: InstanceRef): Promise<void> {
  await eventually(
    `the test table on ${instance.name}`,
    async () => {
      const connection = await rootConnection(servers, instance);
      try {
        const [rows] = await connection.query(`SHOW TABLES FROM ${TEST_DATABASE}`);
        return (rows as unknown[]).length === 1 ? true : undefined;
      } finally {
        await connection.end();
      }
    },
    { timeoutMs: 20_000 },
  );
}
