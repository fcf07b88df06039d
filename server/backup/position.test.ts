import { describe, expect, it } from "vitest";
import { HeadTailCapture, parseDumpPosition } from "./position";

/** The head of a mysqldump 8.4 dump with --source-data=2 --set-gtid-purged=COMMENTED. */
const MYSQL_HEAD = `-- MySQL dump 10.13  Distrib 8.4.3, for Linux (x86_64)
--
-- Host: 10.0.0.5    Database: shop
-- ------------------------------------------------------
-- Server version\t8.4.3

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
SET @MYSQLDUMP_TEMP_LOG_BIN = @@SESSION.SQL_LOG_BIN;
SET @@SESSION.SQL_LOG_BIN= 0;

--
-- GTID state at the beginning of the backup 
--

/* SET @@GLOBAL.GTID_PURGED='+3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,
8c9d1a2b-0000-11ef-8000-000000000001:1-42';*/

--
-- Position to start replication or point-in-time recovery from
--

-- CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE='binlog.000002', SOURCE_LOG_POS=1610;

--
-- Current Database: \`shop\`
--
`;

/** A mariadb-dump 10.11 dump with --master-data=2 --gtid: the GTID comes at the end. */
const MARIADB_HEAD = `-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)
-- CHANGE MASTER TO MASTER_USE_GTID=slave_pos;

-- A corresponding to the above master-data CHANGE-MASTER settings to the slave gtid state is printed later in the file.

-- CHANGE MASTER TO MASTER_LOG_FILE='mariadb-1-bin.000001', MASTER_LOG_POS=914;

CREATE DATABASE /*!32312 IF NOT EXISTS*/ \`shop\`;
`;
const MARIADB_TAIL = `UNLOCK TABLES;

-- The deferred gtid setting for slave corresponding to the master-data CHANGE-MASTER follows

-- Preferably use GTID to start replication from GTID position:

-- SET GLOBAL gtid_slave_pos='0-1-3,1-2-7';
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;
-- Dump completed on 2026-11-29 23:25:44
`;

describe("parseDumpPosition", () => {
  it("reads MySQL 8.4 coordinates and a GTID set spanning lines", () => {
    expect(parseDumpPosition("mysql", MYSQL_HEAD, "")).toEqual({
      binlogFile: "binlog.000002",
      binlogPosition: 1610,
      gtid: "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,8c9d1a2b-0000-11ef-8000-000000000001:1-42",
    });
  });

  it("reads the active GTID_PURGED form and the older CHANGE MASTER form", () => {
    const head = `SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:1-9';
-- CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000233', MASTER_LOG_POS=314582450;
`;
    expect(parseDumpPosition("mysql", head, "")).toEqual({
      binlogFile: "mysql-bin.000233",
      binlogPosition: 314582450,
      gtid: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:1-9",
    });
  });

  it("reads MariaDB coordinates from the head and the deferred GTID position from the tail", () => {
    expect(parseDumpPosition("mariadb", MARIADB_HEAD, MARIADB_TAIL)).toEqual({
      binlogFile: "mariadb-1-bin.000001",
      binlogPosition: 914,
      gtid: "0-1-3,1-2-7",
    });
  });

  it("takes the last GTID comment of the tail, not one quoted earlier in a routine", () => {
    const tail = `-- SET GLOBAL gtid_slave_pos='9-9-9';\nCREATE PROCEDURE p() BEGIN END;\n${MARIADB_TAIL}`;
    expect(parseDumpPosition("mariadb", MARIADB_HEAD, tail).gtid).toBe("0-1-3,1-2-7");
  });

  it("accepts an empty GTID history", () => {
    const tail = "-- SET GLOBAL gtid_slave_pos='';\n";
    expect(parseDumpPosition("mariadb", MARIADB_HEAD, tail).gtid).toBe("");
  });

  it("fails clearly without coordinates or GTID state", () => {
    expect(() => parseDumpPosition("mysql", "CREATE TABLE t (a int);", "")).toThrow(
      /no binary log coordinates/,
    );
    expect(() => parseDumpPosition("mariadb", MARIADB_HEAD, "UNLOCK TABLES;")).toThrow(
      /no GTID position/,
    );
    const noGtid = MYSQL_HEAD.replace(/\/\* SET @@GLOBAL[^*]*\*\//, "");
    expect(() => parseDumpPosition("mysql", noGtid, "")).toThrow(/gtid_mode/);
  });
});

describe("HeadTailCapture", () => {
  it("keeps the first and last bytes of a long stream in bounded memory", () => {
    const capture = new HeadTailCapture(10, 8);
    for (let i = 0; i < 100; i++) capture.push(Buffer.from(`${i % 10}`.repeat(5)));
    expect(capture.total).toBe(500);
    expect(capture.head()).toBe("0000011111");
    expect(capture.tail()).toBe("88899999");
  });

  it("returns everything when the stream is shorter than both limits", () => {
    const capture = new HeadTailCapture(100, 100);
    capture.push(Buffer.from("abc"));
    capture.push(Buffer.from("def"));
    expect(capture.head()).toBe("abcdef");
    expect(capture.tail()).toBe("abcdef");
  });
});
