import "server-only";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection, type RowDataPacket } from "mysql2/promise";
import { z } from "zod";
import { MySQLEngineSchema } from "@/lib/crds/mysql-cluster";
import { BackupError, BackupErrorCode } from "./errors";

/** How the backup engine reaches one database server (the primary, for a backup). */
export const DatabaseConnectionSchema = z.object({
  engine: MySQLEngineSchema,
  host: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65535).default(3306),
  user: z.string().min(1).max(80),
  password: z.string().regex(/^[^\n\r]*$/, "must not contain line breaks"),
});
export type DatabaseConnection = z.infer<typeof DatabaseConnectionSchema>;

/** Schemas that belong to the server, never to a backup (restoring them would replace accounts). */
export const SYSTEM_SCHEMAS = ["mysql", "sys", "information_schema", "performance_schema"];

/** Quotes an option-file value: `"..."` with `\` and `"` escaped. */
function optionValue(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * The `[client]` option file the dump tool and the client read with `--defaults-file`: keeps the
 * password out of argv (visible in `ps`) and out of the environment (`MYSQL_PWD` is deprecated),
 * and makes the tools ignore any `/etc/mysql` configuration of the image.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/option-files.html
 * @see https://mariadb.com/kb/en/configuring-mariadb-with-option-files/
 */
export function clientOptionFile(connection: DatabaseConnection): string {
  return [
    "[client]",
    `host=${optionValue(connection.host)}`,
    `port=${connection.port}`,
    `user=${optionValue(connection.user)}`,
    `password=${optionValue(connection.password)}`,
    "protocol=TCP",
    "",
  ].join("\n");
}

/**
 * Writes {@link clientOptionFile} to a fresh private temporary folder (mode 0700, file 0600),
 * runs `work` with its path and removes it afterwards, whatever happens.
 */
export async function withOptionFile<T>(
  connection: DatabaseConnection,
  work: (path: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "pilothouse-backup-"));
  try {
    const path = join(dir, "client.cnf");
    await writeFile(path, clientOptionFile(connection), { mode: 0o600 });
    return await work(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type VersionRow = RowDataPacket & { version: string };
type SchemaRow = RowDataPacket & { name: string };

/** What the engine learns from the server before dumping it. */
export interface ServerInfo {
  /** `SELECT VERSION()`, e.g. `8.4.3` or `10.11.19-MariaDB-0+deb12u1-log`. */
  version: string;
  /** User databases (system schemas excluded), sorted. */
  databases: string[];
}

/**
 * Connects once to read the server version and the list of user databases, and checks that the
 * server is the engine the caller says it is.
 *
 * @throws BackupError `DatabaseUnavailable` when the server cannot be reached or refuses the
 *   login; `InvalidConfig` when the server is not `connection.engine`.
 */
export async function inspectServer(connection: DatabaseConnection): Promise<ServerInfo> {
  const where = `${connection.host}:${connection.port}`;
  let db;
  try {
    db = await createConnection({
      host: connection.host,
      port: connection.port,
      user: connection.user,
      password: connection.password,
      connectTimeout: 10_000,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new BackupError(
      BackupErrorCode.DatabaseUnavailable,
      `cannot connect to ${where}: ${message}`,
      { cause: error },
    );
  }
  try {
    const [versionRows] = await db.query<VersionRow[]>("SELECT VERSION() AS version");
    const version = versionRows[0]?.version ?? "";
    const isMariaDB = /mariadb/i.test(version);
    if (isMariaDB !== (connection.engine === "mariadb")) {
      throw new BackupError(
        BackupErrorCode.InvalidConfig,
        `${where} runs ${version}, not the configured engine ${connection.engine}`,
      );
    }
    const [schemaRows] = await db.query<SchemaRow[]>(
      "SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN (?) ORDER BY SCHEMA_NAME",
      [SYSTEM_SCHEMAS],
    );
    return { version, databases: schemaRows.map((row) => row.name) };
  } finally {
    await db.end().catch(() => undefined);
  }
}
