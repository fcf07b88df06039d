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
  server_uuid: TextSchema,
  version: TextSchema,
  read_only: FlagSchema,
  super_read_only: FlagSchema,
  gtid_executed: TextSchema,
});

const ReplicaStatusRowSchema = z.object({
  Source_Host: TextSchema,
  Source_Port: NumberSchema,
  Replica_IO_Running: TextSchema,
  Replica_SQL_Running: TextSchema,
  Seconds_Behind_Source: NumberSchema.nullable(),
  Last_IO_Error: TextSchema,
  Last_SQL_Error: TextSchema,
  Retrieved_Gtid_Set: TextSchema,
  Auto_Position: FlagSchema,
});

/** Semi-sync plugins of MySQL 8.4 (the `source`/`replica` generation) and their libraries. */
const SEMI_SYNC_PLUGINS = [
  { name: "rpl_semi_sync_source", library: "semisync_source.so" },
  { name: "rpl_semi_sync_replica", library: "semisync_replica.so" },
] as const;

const onOff = (on: boolean): string => (on ? "ON" : "OFF");

/**
 * MySQL 8.4 LTS: the `SOURCE`/`REPLICA` statements (the `MASTER`/`SLAVE` forms are removed or
 * deprecated in 8.4), GTID auto-positioning, `super_read_only`, and the semi-sync plugins
 * `rpl_semi_sync_source`/`rpl_semi_sync_replica`.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/change-replication-source-to.html
 * @see https://dev.mysql.com/doc/refman/8.4/en/replication-semisync.html
 * @see https://dev.mysql.com/doc/refman/8.4/en/gtid-functions.html
 */
export const mysqlDialect: Dialect = {
  engine: "mysql",
  gtidFlavor: "mysql",

  serverState: () =>
    statement(
      "server-state",
      "SELECT @@global.server_id AS server_id, @@global.server_uuid AS server_uuid, " +
        "@@global.version AS version, @@global.read_only AS read_only, " +
        "@@global.super_read_only AS super_read_only, @@global.gtid_executed AS gtid_executed",
    ),
  parseServerState(row): ServerState {
    const r = parseRow(ServerStateRowSchema, row, "server state");
    return {
      serverId: r.server_id,
      serverUuid: r.server_uuid.toLowerCase(),
      version: r.version,
      readOnly: r.read_only,
      superReadOnly: r.super_read_only,
      gtidExecuted: parseGtidSet("mysql", r.gtid_executed),
    };
  },

  replicaStatus: () => statement("replica-status", "SHOW REPLICA STATUS"),
  parseReplicaStatus(row): ReplicationStatus {
    const r = parseRow(ReplicaStatusRowSchema, row, "SHOW REPLICA STATUS");
    return {
      sourceHost: r.Source_Host,
      sourcePort: r.Source_Port,
      ioThread: ioThreadState(r.Replica_IO_Running),
      sqlThread: r.Replica_SQL_Running === "Yes" ? "running" : "stopped",
      secondsBehindSource: r.Seconds_Behind_Source,
      lastIoError: errorText(r.Last_IO_Error),
      lastSqlError: errorText(r.Last_SQL_Error),
      receivedGtid: parseGtidSet("mysql", r.Retrieved_Gtid_Set),
      usingGtid: r.Auto_Position,
    };
  },

  semiSyncVariables: () =>
    statement("semi-sync-variables", "SHOW GLOBAL VARIABLES LIKE 'rpl_semi_sync_%'"),
  semiSyncStatus: () => statement("semi-sync-status", "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_%'"),
  parseSemiSync(variableRows, statusRows) {
    const variables = variableMap(variableRows);
    const status = variableMap(statusRows);
    return {
      sourceEnabled: variables.get("rpl_semi_sync_source_enabled") === "ON",
      sourceActive: status.get("rpl_semi_sync_source_status") === "ON",
      sourceWaitPoint: variables.get("rpl_semi_sync_source_wait_point"),
      sourceClients: Number(status.get("rpl_semi_sync_source_clients") ?? 0),
      replicaActive: status.get("rpl_semi_sync_replica_status") === "ON",
    };
  },
  semiSyncPlugins: () =>
    statement(
      "semi-sync-plugins",
      "SELECT PLUGIN_NAME AS name FROM information_schema.PLUGINS " +
        "WHERE PLUGIN_NAME IN ('rpl_semi_sync_source', 'rpl_semi_sync_replica') " +
        "AND PLUGIN_STATUS = 'ACTIVE'",
    ),
  installSemiSyncPlugins: (installed) =>
    SEMI_SYNC_PLUGINS.filter((plugin) => !installed.includes(plugin.name)).map((plugin) =>
      statement("install-semi-sync-plugin", `INSTALL PLUGIN ${plugin.name} SONAME ?`, [
        plugin.library,
      ]),
    ),
  enableSemiSyncSource: ({ timeoutSeconds, waitForReplicaCount }) => [
    statement("semi-sync-source", "SET GLOBAL rpl_semi_sync_source_wait_point = AFTER_SYNC"),
    statement("semi-sync-source", "SET GLOBAL rpl_semi_sync_source_timeout = ?", [
      wholeNumber(timeoutSeconds, "semi-sync timeout (seconds)", 1) * 1000,
    ]),
    statement("semi-sync-source", "SET GLOBAL rpl_semi_sync_source_wait_for_replica_count = ?", [
      wholeNumber(waitForReplicaCount, "replica acknowledgements", 1),
    ]),
    statement("semi-sync-source", "SET GLOBAL rpl_semi_sync_source_wait_no_replica = ON"),
    statement("semi-sync-source", "SET GLOBAL rpl_semi_sync_source_enabled = ON"),
  ],
  disableSemiSyncSource: () => [
    statement("semi-sync-source", "SET GLOBAL rpl_semi_sync_source_enabled = OFF"),
  ],
  setSemiSyncReplica: (enabled) => [
    statement("semi-sync-replica", `SET GLOBAL rpl_semi_sync_replica_enabled = ${onOff(enabled)}`),
  ],

  // super_read_only=ON implies read_only=ON; read_only=OFF alone would fail while super_read_only
  // is ON, so switching off goes in the reverse order.
  setReadOnly: (readOnly) =>
    readOnly
      ? [statement("read-only", "SET GLOBAL super_read_only = ON")]
      : [
          statement("read-only", "SET GLOBAL super_read_only = OFF"),
          statement("read-only", "SET GLOBAL read_only = OFF"),
        ],

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
      "CHANGE REPLICATION SOURCE TO SOURCE_HOST = ?, SOURCE_PORT = ?, SOURCE_USER = ?, " +
        "SOURCE_PASSWORD = ?, SOURCE_AUTO_POSITION = 1, SOURCE_SSL = 1, SOURCE_CONNECT_RETRY = ?",
      [host, tcpPort(port), user, password, wholeNumber(connectRetrySeconds, "connect retry", 1)],
      [password],
    ),
  // With SOURCE_AUTO_POSITION the replica sends its gtid_executed; nothing to align.
  alignReplicaPosition: () => [],
  startReplica: () => statement("start-replica", "START REPLICA"),
  stopReplica: () => statement("stop-replica", "STOP REPLICA"),
  stopReplicaIoThread: () => statement("stop-replica-io", "STOP REPLICA IO_THREAD"),
  resetReplicaAll: () => statement("reset-replica", "RESET REPLICA ALL"),

  waitForGtid: (set, timeoutSeconds) =>
    statement("wait-for-gtid", "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?) AS result", [
      formatGtidSet(waitTarget(set)),
      wholeNumber(timeoutSeconds, "wait timeout (seconds)", 1),
    ]),
  // 0: every GTID executed; 1: timed out (errors are raised as SQL errors).
  waitReached: (result) => Number(result) === 0,
};
