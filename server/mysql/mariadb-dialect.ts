import "server-only";
import { z } from "zod";
import type { Dialect, ReplicationStatus, ServerState } from "./dialect";
import {
  FlagSchema,
  NumberSchema,
  TextSchema,
  errorText,
  ioThreadState,
  parseRow,
  statement,
  tcpPort,
  variableMap,
  wholeNumber,
} from "./dialect-common";
import { formatGtidSet, parseGtidSet, waitTarget } from "./gtid";

const ServerStateRowSchema = z.object({
  server_id: NumberSchema,
  version: TextSchema,
  read_only: FlagSchema,
  gtid_binlog_state: TextSchema,
});

const ReplicaStatusRowSchema = z.object({
  Master_Host: TextSchema,
  Master_Port: NumberSchema,
  Slave_IO_Running: TextSchema,
  Slave_SQL_Running: TextSchema,
  Seconds_Behind_Master: NumberSchema.nullable(),
  Last_IO_Error: TextSchema,
  Last_SQL_Error: TextSchema,
  Gtid_IO_Pos: TextSchema,
  Using_Gtid: TextSchema,
});

const onOff = (on: boolean): string => (on ? "ON" : "OFF");

/**
 * MariaDB 10.11+: `CHANGE MASTER TO ... MASTER_USE_GTID = slave_pos`, GTIDs as
 * `domain-server-seq` lists, `read_only` only (no `super_read_only`: accounts with READ_ONLY
 * ADMIN, such as the operator's, can still write), semi-sync built in under its `master`/`slave`
 * names, and `MASTER_GTID_WAIT()` instead of MySQL's GTID functions.
 *
 * The executed set is `gtid_binlog_state` rather than `gtid_binlog_pos`: it keeps the last
 * sequence number of every (domain, server) pair, so a replica's own writes stay visible as
 * errant transactions after the primary has written more (see gtid-mariadb.ts).
 *
 * @see https://mariadb.com/kb/en/change-master-to/
 * @see https://mariadb.com/kb/en/gtid/
 * @see https://mariadb.com/kb/en/semisynchronous-replication/
 * @see https://mariadb.com/kb/en/master_gtid_wait/
 */
export const mariadbDialect: Dialect = {
  engine: "mariadb",
  gtidFlavor: "mariadb",

  serverState: () =>
    statement(
      "server-state",
      "SELECT @@global.server_id AS server_id, @@global.version AS version, " +
        "@@global.read_only AS read_only, @@global.gtid_binlog_state AS gtid_binlog_state",
    ),
  parseServerState(row): ServerState {
    const r = parseRow(ServerStateRowSchema, row, "server state");
    return {
      serverId: r.server_id,
      serverUuid: undefined,
      version: r.version,
      readOnly: r.read_only,
      superReadOnly: undefined,
      gtidExecuted: parseGtidSet("mariadb", r.gtid_binlog_state),
    };
  },

  replicaStatus: () => statement("replica-status", "SHOW REPLICA STATUS"),
  parseReplicaStatus(row): ReplicationStatus {
    const r = parseRow(ReplicaStatusRowSchema, row, "SHOW REPLICA STATUS");
    return {
      sourceHost: r.Master_Host,
      sourcePort: r.Master_Port,
      ioThread: ioThreadState(r.Slave_IO_Running),
      sqlThread: r.Slave_SQL_Running === "Yes" ? "running" : "stopped",
      secondsBehindSource: r.Seconds_Behind_Master,
      lastIoError: errorText(r.Last_IO_Error),
      lastSqlError: errorText(r.Last_SQL_Error),
      receivedGtid: parseGtidSet("mariadb", r.Gtid_IO_Pos),
      usingGtid: r.Using_Gtid !== "No",
    };
  },

  semiSyncVariables: () =>
    statement("semi-sync-variables", "SHOW GLOBAL VARIABLES LIKE 'rpl_semi_sync_%'"),
  semiSyncStatus: () => statement("semi-sync-status", "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_%'"),
  parseSemiSync(variableRows, statusRows) {
    const variables = variableMap(variableRows);
    const status = variableMap(statusRows);
    return {
      sourceEnabled: variables.get("rpl_semi_sync_master_enabled") === "ON",
      sourceActive: status.get("rpl_semi_sync_master_status") === "ON",
      sourceWaitPoint: variables.get("rpl_semi_sync_master_wait_point"),
      sourceClients: Number(status.get("rpl_semi_sync_master_clients") ?? 0),
      replicaActive: status.get("rpl_semi_sync_slave_status") === "ON",
    };
  },
  // Semi-sync is part of the server since MariaDB 10.3.3: nothing to install.
  semiSyncPlugins: () => undefined,
  installSemiSyncPlugins: () => [],
  enableSemiSyncSource: ({ timeoutSeconds }) => [
    statement("semi-sync-source", "SET GLOBAL rpl_semi_sync_master_wait_point = AFTER_SYNC"),
    statement("semi-sync-source", "SET GLOBAL rpl_semi_sync_master_timeout = ?", [
      wholeNumber(timeoutSeconds, "semi-sync timeout (seconds)", 1) * 1000,
    ]),
    statement("semi-sync-source", "SET GLOBAL rpl_semi_sync_master_wait_no_slave = ON"),
    statement("semi-sync-source", "SET GLOBAL rpl_semi_sync_master_enabled = ON"),
  ],
  disableSemiSyncSource: () => [
    statement("semi-sync-source", "SET GLOBAL rpl_semi_sync_master_enabled = OFF"),
  ],
  setSemiSyncReplica: (enabled) => [
    statement("semi-sync-replica", `SET GLOBAL rpl_semi_sync_slave_enabled = ${onOff(enabled)}`),
  ],

  setReadOnly: (readOnly) => [statement("read-only", `SET GLOBAL read_only = ${onOff(readOnly)}`)],

  ensureReplicationAccount: ({ user, password, host }) => [
    statement(
      "replication-account",
      "CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?",
      [user, host, password],
      [password],
    ),
    statement(
      "replication-account",
      "ALTER USER ?@? IDENTIFIED BY ?",
      [user, host, password],
      [password],
    ),
    statement("replication-account", "GRANT REPLICATION SLAVE ON *.* TO ?@?", [user, host]),
  ],
  changeSource: ({ host, port, user, password, connectRetrySeconds }) =>
    statement(
      "change-source",
      "CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = ?, MASTER_USER = ?, MASTER_PASSWORD = ?, " +
        "MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = ?",
      [host, tcpPort(port), user, password, wholeNumber(connectRetrySeconds, "connect retry", 1)],
      [password],
    ),
  // gtid_slave_pos only moves with replicated transactions. A former primary's own writes are
  // only in its binary log, so before it (or any replica) is pointed at a source, its replication
  // position is set to what it has executed. Callers check for errant transactions first.
  alignReplicaPosition: () => [
    statement("align-replica-position", "SET GLOBAL gtid_slave_pos = @@global.gtid_binlog_pos"),
  ],
  startReplica: () => statement("start-replica", "START REPLICA"),
  stopReplica: () => statement("stop-replica", "STOP REPLICA"),
  stopReplicaIoThread: () => statement("stop-replica-io", "STOP REPLICA IO_THREAD"),
  resetReplicaAll: () => statement("reset-replica", "RESET REPLICA ALL"),

  waitForGtid: (set, timeoutSeconds) =>
    statement("wait-for-gtid", "SELECT MASTER_GTID_WAIT(?, ?) AS result", [
      formatGtidSet(waitTarget(set)),
      wholeNumber(timeoutSeconds, "wait timeout (seconds)", 1),
    ]),
  // 0: position reached; -1: timed out.
  waitReached: (result) => Number(result) === 0,
};
