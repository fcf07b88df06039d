import "server-only";
import type { MySQLEngine } from "@/lib/crds/mysql-cluster";
import type { GtidFlavor, GtidSet } from "./gtid";
import { mariadbDialect } from "./mariadb-dialect";
import { mysqlDialect } from "./mysql-dialect";

/**
 * One SQL statement the operator issues. `sql` is complete: identifiers and values are escaped
 * with mysql2's `format`, never concatenated. `label` names it in logs and errors, which never
 * show `sql` (CHANGE REPLICATION SOURCE carries a password).
 */
export interface Statement {
  readonly label: string;
  readonly sql: string;
  /** Values inside `sql` that must be masked wherever the server echoes the statement back. */
  readonly secrets?: readonly string[];
}

/** Where a replica replicates from and with which account. */
export interface ReplicationSource {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Seconds between reconnection attempts when the source is unreachable. */
  connectRetrySeconds: number;
}

/** The account replicas use to read the primary's binary log. */
export interface ReplicationAccount {
  user: string;
  password: string;
  /** The account's host part; `%` (any) by default, since pod IPs change. */
  host: string;
}

/** Semi-synchronous replication settings of a primary. */
export interface SemiSyncSourceOptions {
  /** How long a commit waits for a replica's acknowledgement, in seconds, before the primary
   *  falls back to asynchronous replication (and acknowledged writes may be lost again). */
  timeoutSeconds: number;
  /** Replicas that must acknowledge each commit (MySQL only; MariaDB always waits for one). */
  waitForReplicaCount: number;
}

/** Identity, read-only flags and GTID state of one server, from {@link Dialect.serverState}. */
export interface ServerState {
  serverId: number;
  /** MySQL's `server_uuid` (the origin part of its GTIDs); undefined on MariaDB. */
  serverUuid: string | undefined;
  version: string;
  readOnly: boolean;
  /** MySQL's `super_read_only`; undefined on MariaDB, which has no such variable. */
  superReadOnly: boolean | undefined;
  /** Every transaction the server has executed (MySQL `gtid_executed`, MariaDB
   *  `gtid_binlog_state`). */
  gtidExecuted: GtidSet;
}

/** A replica's replication threads, normalized from `SHOW REPLICA STATUS`. */
export interface ReplicationStatus {
  sourceHost: string;
  sourcePort: number;
  /** The receiver (I/O) thread: connected, trying to connect, or stopped. */
  ioThread: "running" | "connecting" | "stopped";
  /** The applier (SQL) thread. */
  sqlThread: "running" | "stopped";
  /** Replication lag in seconds; null when the threads are not both running. */
  secondsBehindSource: number | null;
  lastIoError: string | undefined;
  lastSqlError: string | undefined;
  /** Transactions received into the relay log (MySQL `Retrieved_Gtid_Set`, MariaDB
   *  `Gtid_IO_Pos`): waiting for these drains the relay log. */
  receivedGtid: GtidSet;
  /** True when the replica positions itself by GTID (auto-position / `MASTER_USE_GTID`). */
  usingGtid: boolean;
}

/** Semi-synchronous replication as a server reports it. */
export interface SemiSyncState {
  /** The primary side is switched on (`rpl_semi_sync_source_enabled` / `..._master_enabled`). */
  sourceEnabled: boolean;
  /** The primary side is currently waiting for acknowledgements (false after a fallback to
   *  asynchronous replication: then acknowledged writes are no longer protected). */
  sourceActive: boolean;
  /** `AFTER_SYNC` or `AFTER_COMMIT`; undefined when the variable is absent (MySQL plugin not
   *  installed). */
  sourceWaitPoint: string | undefined;
  /** Semi-synchronous replicas connected to this primary. */
  sourceClients: number;
  /** The replica side is switched on and acknowledging. */
  replicaActive: boolean;
}

/** A row as mysql2 returns it: column name to value. */
export type Row = Readonly<Record<string, unknown>>;

/**
 * Every statement the operator issues, in one engine's syntax, and the parsers for what those
 * statements return. Statement lists run in order, on one connection.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/replication-statements.html
 * @see https://mariadb.com/kb/en/replication-commands/
 */
export interface Dialect {
  readonly engine: MySQLEngine;
  readonly gtidFlavor: GtidFlavor;
  /** One row: server id, version, read-only flags, executed GTID set. */
  serverState(): Statement;
  parseServerState(row: Row): ServerState;
  /** `SHOW REPLICA STATUS`: no row when the server is not a replica. */
  replicaStatus(): Statement;
  parseReplicaStatus(row: Row): ReplicationStatus;
  /** Semi-sync variables and status, as `Variable_name`/`Value` rows. */
  semiSyncVariables(): Statement;
  semiSyncStatus(): Statement;
  parseSemiSync(variables: readonly Row[], status: readonly Row[]): SemiSyncState;
  /** Lists installed semi-sync plugins (`name` column); undefined when they are built in. */
  semiSyncPlugins(): Statement | undefined;
  /** Installs the plugins missing from `installed` (names as `semiSyncPlugins` returns them). */
  installSemiSyncPlugins(installed: readonly string[]): Statement[];
  enableSemiSyncSource(options: SemiSyncSourceOptions): Statement[];
  disableSemiSyncSource(): Statement[];
  /** Takes effect when the replica's I/O thread (re)starts. */
  setSemiSyncReplica(enabled: boolean): Statement[];
  /** Read-only on: no client writes (MySQL: not even administrators, `super_read_only`). */
  setReadOnly(readOnly: boolean): Statement[];
  /** Creates or updates the replication account (run on the primary; it replicates). */
  ensureReplicationAccount(account: ReplicationAccount): Statement[];
  changeSource(source: ReplicationSource): Statement;
  /** Before `changeSource`: make the replica resume from what it has itself executed. */
  alignReplicaPosition(): Statement[];
  startReplica(): Statement;
  stopReplica(): Statement;
  stopReplicaIoThread(): Statement;
  resetReplicaAll(): Statement;
  /** Waits up to `timeoutSeconds` until `set` is executed; one row with a `result` column. */
  waitForGtid(set: GtidSet, timeoutSeconds: number): Statement;
  /** Interprets the `result` of {@link Dialect.waitForGtid}. */
  waitReached(result: unknown): boolean;
}

/** The dialect of an engine. */
export function dialectFor(engine: MySQLEngine): Dialect {
  return engine === "mysql" ? mysqlDialect : mariadbDialect;
}
