import { describe, expect, it } from "vitest";
import { dialectFor } from "./dialect";
import { formatGtidSet, parseGtidSet } from "./gtid";

const mysql = dialectFor("mysql");
const sql = (statements: { sql: string }[]) => statements.map((s) => s.sql);
const UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

describe("MySQL 8.4 dialect: statement text", () => {
  it("points a replica at its source with GTID auto-positioning over TLS", () => {
    const statement = mysql.changeSource({
      host: "db-0.db-headless.prod.svc",
      port: 3306,
      user: "repl",
      password: "pa'ss\\word",
      connectRetrySeconds: 5,
    });
    expect(statement.sql).toBe(
      "CHANGE REPLICATION SOURCE TO SOURCE_HOST = 'db-0.db-headless.prod.svc', SOURCE_PORT = 3306, " +
        "SOURCE_USER = 'repl', SOURCE_PASSWORD = 'pa\\'ss\\\\word', SOURCE_AUTO_POSITION = 1, " +
        "SOURCE_SSL = 1, SOURCE_CONNECT_RETRY = 5",
    );
    expect(statement.secrets).toEqual(["pa'ss\\word"]);
  });

  it("escapes a hostile host name instead of concatenating it", () => {
    const { sql: text } = mysql.changeSource({
      host: "x', SOURCE_PORT = 1; DROP DATABASE app; --",
      port: 3306,
      user: "repl",
      password: "p",
      connectRetrySeconds: 5,
    });
    expect(text).toContain("SOURCE_HOST = 'x\\', SOURCE_PORT = 1; DROP DATABASE app; --'");
  });

  it("rejects ports and timeouts out of range", () => {
    const source = { host: "h", user: "u", password: "p", connectRetrySeconds: 5 };
    expect(() => mysql.changeSource({ ...source, port: 70000 })).toThrow(RangeError);
    expect(() => mysql.changeSource({ ...source, port: 3306, connectRetrySeconds: 0 })).toThrow(
      RangeError,
    );
    expect(() => mysql.waitForGtid(parseGtidSet("mysql", `${UUID}:1`), 1.5)).toThrow(RangeError);
  });

  it("starts, stops and resets replication with the REPLICA statements", () => {
    expect(mysql.startReplica().sql).toBe("START REPLICA");
    expect(mysql.stopReplica().sql).toBe("STOP REPLICA");
    expect(mysql.stopReplicaIoThread().sql).toBe("STOP REPLICA IO_THREAD");
    expect(mysql.resetReplicaAll().sql).toBe("RESET REPLICA ALL");
    expect(mysql.replicaStatus().sql).toBe("SHOW REPLICA STATUS");
    expect(mysql.alignReplicaPosition()).toEqual([]);
  });

  it("fences with super_read_only and unfences in the reverse order", () => {
    expect(sql(mysql.setReadOnly(true))).toEqual(["SET GLOBAL super_read_only = ON"]);
    expect(sql(mysql.setReadOnly(false))).toEqual([
      "SET GLOBAL super_read_only = OFF",
      "SET GLOBAL read_only = OFF",
    ]);
  });

  it("reads identity, read-only flags and gtid_executed", () => {
    expect(mysql.serverState().sql).toBe(
      "SELECT @@global.server_id AS server_id, @@global.server_uuid AS server_uuid, " +
        "@@global.version AS version, @@global.read_only AS read_only, " +
        "@@global.super_read_only AS super_read_only, @@global.gtid_executed AS gtid_executed",
    );
  });

  it("configures lossless semi-sync (AFTER_SYNC) with the source/replica plugins", () => {
    expect(
      sql(mysql.enableSemiSyncSource({ timeoutSeconds: 3600, waitForReplicaCount: 1 })),
    ).toEqual([
      "SET GLOBAL rpl_semi_sync_source_wait_point = AFTER_SYNC",
      "SET GLOBAL rpl_semi_sync_source_timeout = 3600000",
      "SET GLOBAL rpl_semi_sync_source_wait_for_replica_count = 1",
      "SET GLOBAL rpl_semi_sync_source_wait_no_replica = ON",
      "SET GLOBAL rpl_semi_sync_source_enabled = ON",
    ]);
    expect(sql(mysql.disableSemiSyncSource())).toEqual([
      "SET GLOBAL rpl_semi_sync_source_enabled = OFF",
    ]);
    expect(sql(mysql.setSemiSyncReplica(true))).toEqual([
      "SET GLOBAL rpl_semi_sync_replica_enabled = ON",
    ]);
    expect(mysql.semiSyncPlugins()?.sql).toBe(
      "SELECT PLUGIN_NAME AS name FROM information_schema.PLUGINS WHERE PLUGIN_NAME IN " +
        "('rpl_semi_sync_source', 'rpl_semi_sync_replica') AND PLUGIN_STATUS = 'ACTIVE'",
    );
    expect(sql(mysql.installSemiSyncPlugins([]))).toEqual([
      "INSTALL PLUGIN rpl_semi_sync_source SONAME 'semisync_source.so'",
      "INSTALL PLUGIN rpl_semi_sync_replica SONAME 'semisync_replica.so'",
    ]);
    expect(sql(mysql.installSemiSyncPlugins(["rpl_semi_sync_source"]))).toEqual([
      "INSTALL PLUGIN rpl_semi_sync_replica SONAME 'semisync_replica.so'",
    ]);
  });

  it("creates the replication account with escaped names and a masked password", () => {
    const statements = mysql.ensureReplicationAccount({
      user: "repl",
      password: "s3cr'et",
      host: "%",
    });
    expect(sql(statements)).toEqual([
      "CREATE USER IF NOT EXISTS 'repl'@'%' IDENTIFIED BY 's3cr\\'et'",
      "ALTER USER 'repl'@'%' IDENTIFIED BY 's3cr\\'et'",
      "GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%'",
    ]);
    expect(statements.filter((s) => s.secrets?.includes("s3cr'et"))).toHaveLength(2);
  });

  it("waits with WAIT_FOR_EXECUTED_GTID_SET and reads 0 as reached", () => {
    const set = parseGtidSet("mysql", `${UUID}:1-10`);
    expect(mysql.waitForGtid(set, 30).sql).toBe(
      `SELECT WAIT_FOR_EXECUTED_GTID_SET('${UUID}:1-10', 30) AS result`,
    );
    expect(mysql.waitReached(0)).toBe(true);
    expect(mysql.waitReached(1)).toBe(false);
  });
});

describe("MySQL 8.4 dialect: parsing", () => {
  it("parses the server state row", () => {
    const state = mysql.parseServerState({
      server_id: 2,
      server_uuid: UUID.toUpperCase(),
      version: "8.4.6",
      read_only: 1,
      super_read_only: 0,
      gtid_executed: `${UUID}:1-5,\n8a94f357-aab4-11df-86ab-c80aa9429562:1`,
    });
    expect(state).toMatchObject({
      serverId: 2,
      serverUuid: UUID,
      readOnly: true,
      superReadOnly: false,
    });
    expect(formatGtidSet(state.gtidExecuted)).toBe(
      `${UUID}:1-5,8a94f357-aab4-11df-86ab-c80aa9429562:1`,
    );
  });

  it("parses SHOW REPLICA STATUS columns of 8.4", () => {
    const status = mysql.parseReplicaStatus({
      Source_Host: "db-0",
      Source_Port: 3306,
      Replica_IO_Running: "Connecting",
      Replica_SQL_Running: "Yes",
      Seconds_Behind_Source: null,
      Last_IO_Error: "error connecting to source",
      Last_SQL_Error: "",
      Retrieved_Gtid_Set: `${UUID}:1-7`,
      Auto_Position: 1,
    });
    expect(status).toMatchObject({
      sourceHost: "db-0",
      ioThread: "connecting",
      sqlThread: "running",
      secondsBehindSource: null,
      lastIoError: "error connecting to source",
      lastSqlError: undefined,
      usingGtid: true,
    });
    expect(formatGtidSet(status.receivedGtid)).toBe(`${UUID}:1-7`);
  });

  it("rejects a row without the 8.4 column names", () => {
    expect(() => mysql.parseReplicaStatus({ Master_Host: "db-0" })).toThrow(/SHOW REPLICA STATUS/);
  });

  it("parses semi-sync variables and status", () => {
    const state = mysql.parseSemiSync(
      [
        { Variable_name: "rpl_semi_sync_source_enabled", Value: "ON" },
        { Variable_name: "rpl_semi_sync_source_wait_point", Value: "AFTER_SYNC" },
      ],
      [
        { Variable_name: "Rpl_semi_sync_source_status", Value: "ON" },
        { Variable_name: "Rpl_semi_sync_source_clients", Value: "2" },
        { Variable_name: "Rpl_semi_sync_replica_status", Value: "OFF" },
      ],
    );
    expect(state).toEqual({
      sourceEnabled: true,
      sourceActive: true,
      sourceWaitPoint: "AFTER_SYNC",
      sourceClients: 2,
      replicaActive: false,
    });
  });
});
