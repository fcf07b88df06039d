/**
 * Small queries the MySQLCluster flow test runs against its local MariaDB servers.
 */
import type { Connection } from "mysql2/promise";
import type { InstanceRef } from "@/server/mysql";
import { appConnection } from "./mysql-data";
import { rootConnection, type LocalServers } from "./mysql-servers";

/** SHOW REPLICA STATUS of one server: its source port and thread states, or undefined. */
export async function replicaStatusOf(servers: LocalServers, instance: InstanceRef) {
  const connection = await rootConnection(servers, instance);
  try {
    const [rows] = await connection.query("SHOW REPLICA STATUS");
    const row = (rows as Record<string, unknown>[])[0];
    if (!row) return undefined;
    return {
      sourcePort: Number(row.Master_Port),
      io: String(row.Slave_IO_Running),
      sql: String(row.Slave_SQL_Running),
    };
  } finally {
    await connection.end();
  }
}

/** `@@GLOBAL.<variable>` of one server, as a string. */
export async function globalVariableOf(
  servers: LocalServers,
  instance: InstanceRef,
  variable: string,
): Promise<string> {
  const connection = await rootConnection(servers, instance);
  try {
    const [rows] = await connection.query(`SELECT @@GLOBAL.${variable} AS value`);
    return String((rows as { value: unknown }[])[0]?.value);
  } finally {
    await connection.end();
  }
}

/** Inserts ids from `first` on `connection` until the server refuses; records acknowledged ids. */
export async function writeUntilRefused(
  connection: Connection,
  first: number,
  acknowledged: number[],
): Promise<void> {
  for (let id = first; ; id++) {
    try {
      await connection.query("INSERT INTO writes (id, written_on) VALUES (?, 'writer')", [id]);
      acknowledged.push(id);
    } catch {
      return;
    }
  }
}

/** One INSERT as the application account (read_only applies to it); false when refused. */
export async function tryAppInsert(
  instance: InstanceRef,
  appPassword: string,
  id: number,
): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await appConnection(instance, appPassword);
    await connection.query("INSERT INTO writes (id, written_on) VALUES (?, 'probe')", [id]);
    return true;
  } catch {
    return false;
  } finally {
    connection?.destroy();
  }
}
