import { describe, expect, it } from "vitest";
import { dialectFor } from "./dialect";
import { formatGtidSet, parseGtidSet } from "./gtid";

const mariadb = dialectFor("mariadb");
const sql = (statements: { sql: string }[]) => statements.map((s) => s.sql);

describe("MariaDB dialect: statement text", () => {
  it("points a replica at its source with MASTER_USE_GTID = slave_pos", () => {
    const statement = mariadb.changeSource({
      host: "127.0.0.1",
      port: 13306,
      user: "repl",
      password: "pw'1",
      connectRetrySeconds: 2,
    });
    expect(statement.sql).toBe(
      "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = 13306, MASTER_USER = 'repl', " +
        "MASTER_PASSWORD = 'pw\\'1', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 2",
    );
    expect(statement.secrets).toEqual(["pw'1"]);
  });

  it("aligns gtid_slave_pos with the binary log before changing source", () => {
    expect(sql(mariadb.alignReplicaPosition())).toEqual([
      "SET GLOBAL gtid_slave_pos = @@global.gtid_binlog_pos",
    ]);
  });

  it("has read_only only", () => {
    expect(sql(mariadb.setReadOnly(true))).toEqual(["SET GLOBAL read_only = ON"]);
    expect(sql(mariadb.setReadOnly(false))).toEqual(["SET GLOBAL read_only = OFF"]);
  });

  it("reads gtid_binlog_state as the executed set", () => {
    expect(mariadb.serverState().sql).toBe(
      "SELECT @@global.server_id AS server_id, @@global.version AS version, " +
        "@@global.read_only AS read_only, @@global.gtid_binlog_state AS gtid_binlog_state",
    );
  });

  it("configures built-in semi-sync under the master/slave names", () => {
    expect(
      sql(mariadb.enableSemiSyncSource({ timeoutSeconds: 60, waitForReplicaCount: 1 })),
    ).toEqual([
      "SET GLOBAL rpl_semi_sync_master_wait_point = AFTER_SYNC",
      "SET GLOBAL rpl_semi_sync_master_timeout = 60000",
      "SET GLOBAL rpl_semi_sync_master_wait_no_slave = ON",
      "SET GLOBAL rpl_semi_sync_master_enabled = ON",
    ]);
    expect(sql(mariadb.setSemiSyncReplica(false))).toEqual([
      "SET GLOBAL rpl_semi_sync_slave_enabled = OFF",
    ]);
    expect(mariadb.semiSyncPlugins()).toBeUndefined();
    expect(mariadb.installSemiSyncPlugins([])).toEqual([]);
  });

  it("waits with MASTER_GTID_WAIT on the last GTID per domain", () => {
    const statement = mariadb.waitForGtid(parseGtidSet("mariadb", "0-1-9,0-2-4"), 10);
    expect(statement.sql).toBe("SELECT MASTER_GTID_WAIT('0-1-9', 10) AS result");
    expect(mariadb.waitReached(0)).toBe(true);
    expect(mariadb.waitReached(-1)).toBe(false);
  });

  it("grants REPLICATION SLAVE", () => {
    expect(
      sql(mariadb.ensureReplicationAccount({ user: "repl", password: "x", host: "%" })),
    ).toContain("GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%'");
  });
});

describe("MariaDB dialect: parsing", () => {
  it("parses the server state row", () => {
    const state = mariadb.parseServerState({
      server_id: 3,
      version: "10.11.19-MariaDB-0+deb12u1-log",
      read_only: 0,
      gtid_binlog_state: "0-1-5,0-3-2",
    });
    expect(state).toMatchObject({
      serverId: 3,
      serverUuid: undefined,
      readOnly: false,
      superReadOnly: undefined,
    });
    expect(formatGtidSet(state.gtidExecuted)).toBe("0-1-5,0-3-2");
  });

  it("parses SHOW REPLICA STATUS columns of MariaDB", () => {
    const status = mariadb.parseReplicaStatus({
      Master_Host: "127.0.0.1",
      Master_Port: 13306,
      Slave_IO_Running: "Yes",
      Slave_SQL_Running: "No",
      Seconds_Behind_Master: null,
      Last_IO_Error: "",
      Last_SQL_Error: "Duplicate entry",
      Gtid_IO_Pos: "0-1-9",
      Using_Gtid: "Slave_Pos",
    });
    expect(status).toMatchObject({
      sourcePort: 13306,
      ioThread: "running",
      sqlThread: "stopped",
      lastSqlError: "Duplicate entry",
      usingGtid: true,
    });
    expect(formatGtidSet(status.receivedGtid)).toBe("0-1-9");
  });

  it("parses semi-sync status", () => {
    const state = mariadb.parseSemiSync(
      [{ Variable_name: "rpl_semi_sync_master_enabled", Value: "OFF" }],
      [{ Variable_name: "Rpl_semi_sync_slave_status", Value: "ON" }],
    );
    expect(state).toMatchObject({
      sourceEnabled: false,
      sourceActive: false,
      replicaActive: true,
      sourceClients: 0,
    });
  });
});
