/**
 * The real services the MySQLRestore integration test runs against, started with the platform's
 * own scripts for the profile in PILOTHOUSE_PROFILE (ports shifted by its offset): MariaDB
 * instances 1 and 2 (`mariadb.sh start 2`, which prints their addresses) — one behind the
 * existing cluster's pod, one behind the new cluster's — and the S3 server (VersityGW).
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { BackupStorage } from "@/lib/crds/backup-storage";
import type { DatabaseConnection } from "@/server/backup/connection";
import { connect, platformState } from "../backup-platform";
import { REPO_ROOT } from "./kube-admin";

const run = promisify(execFile);

export interface RestorePlatform {
  /** Root on MariaDB instances 1 and 2 over TCP. */
  servers: [DatabaseConnection, DatabaseConnection];
  rootPassword: string;
  /** The S3 server's root account, without a bucket yet. */
  s3: Omit<BackupStorage, "bucket">;
}

function envFile(name: string): Record<string, string> {
  const text = readFileSync(join(platformState(), name), "utf8");
  return Object.fromEntries(
    text
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

/** Starts (or finds running) MariaDB 1-2 and the S3 server; returns how to reach them. */
export async function startRestorePlatform(): Promise<RestorePlatform> {
  const scripts = join(REPO_ROOT, "platform", "scripts");
  const { stdout } = await run("bash", [join(scripts, "mariadb.sh"), "start", "2"], {
    timeout: 170_000,
  });
  await run("bash", [join(scripts, "s3.sh"), "start"], { timeout: 170_000 });
  const rootPassword = envFile("mariadb.env").MARIADB_ROOT_PASSWORD ?? "";
  const [first, second] = stdout
    .trim()
    .split("\n")
    .slice(-2)
    .map((address): DatabaseConnection => {
      const [host = "", port = ""] = address.split(":");
      return { engine: "mariadb", host, port: Number(port), user: "root", password: rootPassword };
    });
  if (!first || !second || !first.port || !second.port) {
    throw new Error(`mariadb.sh start 2 printed no addresses: ${stdout}`);
  }
  const s3 = envFile("s3.env");
  return {
    servers: [first, second],
    rootPassword,
    s3: {
      endpoint: s3.S3_ENDPOINT,
      region: s3.S3_REGION ?? "us-east-1",
      prefix: "backups",
      forcePathStyle: true,
      credentials: {
        accessKeyId: s3.S3_ACCESS_KEY_ID ?? "",
        secretAccessKey: s3.S3_SECRET_ACCESS_KEY ?? "",
      },
    },
  };
}

/**
 * A server back to a blank standalone state: no replication, writable, semi-sync off, an empty
 * GTID history, without `schema`; so that the operator bootstraps it as a new primary.
 */
export async function resetServer(server: DatabaseConnection, schema: string): Promise<void> {
  const db = await connect(server);
  try {
    for (const sql of [
      "STOP REPLICA",
      "RESET REPLICA ALL",
      "SET GLOBAL read_only = OFF",
      "SET GLOBAL rpl_semi_sync_master_enabled = OFF",
      "SET GLOBAL rpl_semi_sync_slave_enabled = OFF",
      `DROP DATABASE IF EXISTS \`${schema}\``,
      "DROP USER IF EXISTS 'pilothouse_repl'@'%'",
      "RESET MASTER",
      "SET GLOBAL gtid_slave_pos = ''",
    ]) {
      await db.query(sql);
    }
  } finally {
    await db.end();
  }
}

/** `@@global.read_only` of a server (1 or 0). */
export async function readOnlyOf(server: DatabaseConnection): Promise<number> {
  const db = await connect(server);
  try {
    const [rows] = await db.query("SELECT @@global.read_only AS ro");
    return Number((rows as Array<{ ro: unknown }>)[0]?.ro);
  } finally {
    await db.end();
  }
}
