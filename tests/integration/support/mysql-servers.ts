/**
 * Local MariaDB servers for the replication and failover tests, started by the platform's own
 * script (`platform/scripts/mariadb.sh`, profile from PILOTHOUSE_PROFILE, `dev` by default), and
 * a reset to a known state before and after each test file so runs repeat.
 *
 * These tests use instances 4, 5 and 6 (`mariadb.sh start 6`): instance 1 is the backup tests'
 * standalone server, and the replication tests reset binary logs and kill servers, which must
 * not happen under another suite running at the same time on the same profile. The operator's
 * whole-flow tests use instances 7, 8 and 9 (`startServers(7)`), the scale-down tests 10, 11 and
 * 12; the restore tests use 1 and 2.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createConnection, type Connection } from "mysql2/promise";
import type { InstanceRef } from "@/server/mysql";
import { REPO_ROOT } from "./kube-admin";

const run = promisify(execFile);
const SCRIPT = join(REPO_ROOT, "platform/scripts/mariadb.sh");

/** The database and accounts the tests create; removed by {@link resetServers}. */
export const TEST_DATABASE = "pilothouse_mysql_test";
export const REPLICATION_USER = "pilothouse_repl";
export const APP_USER = "pilothouse_app";

/** The script's instance indexes these tests own. */
export const FIRST_INDEX = 4;
export const COUNT = 3;

export interface LocalServers {
  /** Script index firstIndex + i is `instances[i]`, named `mariadb-<index>`. */
  instances: InstanceRef[];
  /** The script index of `instances[0]`. */
  firstIndex: number;
  rootPassword: string;
  /** Indexes of ours that were running before the tests started (left running afterwards). */
  runningBefore: number[];
}

function stateDir(): string {
  const profile = process.env.PILOTHOUSE_PROFILE ?? "dev";
  const cache =
    process.env.PILOTHOUSE_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "pilothouse");
  return process.env.PILOTHOUSE_STATE ?? join(cache, "state", profile);
}

/** Runs `mariadb.sh <args>` and returns its stdout. */
export async function mariadbScript(...args: string[]): Promise<string> {
  const { stdout } = await run("bash", [SCRIPT, ...args], { env: process.env, timeout: 170_000 });
  return stdout;
}

/** The script index of one of our instances. */
export function scriptIndex(servers: LocalServers, instance: InstanceRef): number {
  return servers.firstIndex + servers.instances.indexOf(instance);
}

/** SIGKILLs one of our instances, as a crash would. */
export async function killServer(servers: LocalServers, instance: InstanceRef): Promise<void> {
  await mariadbScript("kill", String(scriptIndex(servers, instance)));
}

/** Starts our instances (a no-op for those running; restarts killed ones). */
async function startOurs(firstIndex: number): Promise<InstanceRef[]> {
  // `start N` prints host:port of instances 1..N, one a line, last.
  const output = await mariadbScript("start", String(firstIndex + COUNT - 1));
  return output
    .trim()
    .split("\n")
    .slice(-COUNT)
    .map((address, i) => {
      const [host = "", port = ""] = address.split(":");
      return { name: `mariadb-${firstIndex + i}`, address: { host, port: Number(port) } };
    });
}

/** Restarts our instances that are down (after a kill). */
export async function restartServers(firstIndex = FIRST_INDEX): Promise<void> {
  await startOurs(firstIndex);
}

/** Starts instances firstIndex..firstIndex+2 (4-6 by default); reads addresses and password. */
export async function startServers(firstIndex = FIRST_INDEX): Promise<LocalServers> {
  const status = await mariadbScript("status");
  const runningBefore = [...status.matchAll(/^mariadb-(\d+) \S+ running$/gm)]
    .map((m) => Number(m[1]))
    .filter((index) => index >= firstIndex && index < firstIndex + COUNT);
  const instances = await startOurs(firstIndex);
  const env = await readFile(join(stateDir(), "mariadb.env"), "utf8");
  const rootPassword = /^MARIADB_ROOT_PASSWORD=(.+)$/m.exec(env)?.[1];
  if (!rootPassword || instances.some((i) => !i.address.port)) {
    throw new Error(`cannot find the root password or the addresses of mariadb-${firstIndex}..`);
  }
  return { instances, firstIndex, rootPassword, runningBefore };
}

/** A root connection over TCP (root bypasses read_only on MariaDB: for setup and checks). */
export function rootConnection(servers: LocalServers, instance: InstanceRef): Promise<Connection> {
  return createConnection({ ...instance.address, user: "root", password: servers.rootPassword });
}

/**
 * Back to what `mariadb.sh start` gives: no replication, writable, semi-sync off with its
 * defaults, no test database or accounts, and an empty GTID history (RESET MASTER), so that any
 * instance can replicate from any other at the start of the next test file.
 */
export async function resetServers(servers: LocalServers): Promise<void> {
  for (const instance of servers.instances) {
    const connection = await rootConnection(servers, instance);
    try {
      for (const sql of [
        "STOP REPLICA",
        "RESET REPLICA ALL",
        "SET GLOBAL read_only = OFF",
        "SET GLOBAL rpl_semi_sync_master_enabled = OFF",
        "SET GLOBAL rpl_semi_sync_slave_enabled = OFF",
        "SET GLOBAL rpl_semi_sync_master_wait_point = AFTER_COMMIT",
        "SET GLOBAL rpl_semi_sync_master_timeout = 10000",
        "SET SESSION sql_log_bin = 0",
        `DROP DATABASE IF EXISTS ${TEST_DATABASE}`,
        `DROP USER IF EXISTS '${REPLICATION_USER}'@'%', '${APP_USER}'@'%'`,
        "SET SESSION sql_log_bin = 1",
        "RESET MASTER",
        "SET GLOBAL gtid_slave_pos = ''",
      ]) {
        await connection.query(sql);
      }
    } finally {
      await connection.end();
    }
  }
}

/**
 * After a test file: our instances reset, and those this run started stopped again. Instances
 * 1-3, which `start 6` starts as well, are left running: another suite may be using them.
 */
export async function releaseServers(servers: LocalServers): Promise<void> {
  await startOurs(servers.firstIndex);
  await resetServers(servers);
  const started = servers.instances
    .map((instance) => scriptIndex(servers, instance))
    .filter((index) => !servers.runningBefore.includes(index));
  if (started.length > 0) await mariadbScript("stop", ...started.map(String));
}
