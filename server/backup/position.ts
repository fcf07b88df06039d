import "server-only";
import type { BackupPosition } from "@/lib/crds/backup-storage";
import type { MySQLEngine } from "@/lib/crds/mysql-cluster";
import { BackupError, BackupErrorCode } from "./errors";

/**
 * Binary log coordinates as both tools comment them with `--master-data=2` / `--source-data=2`:
 * `-- CHANGE MASTER TO MASTER_LOG_FILE='f', MASTER_LOG_POS=n;` (MariaDB, MySQL before 8.0.23) or
 * `-- CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE='f', SOURCE_LOG_POS=n;` (MySQL 8.4).
 */
const COORDINATES =
  /^-- CHANGE (?:MASTER|REPLICATION SOURCE) TO (?:MASTER|SOURCE)_LOG_FILE='([^']+)',\s*(?:MASTER|SOURCE)_LOG_POS=(\d+);/m;

/**
 * MySQL's GTID set with `--set-gtid-purged=COMMENTED`:
 * `/* SET @@GLOBAL.GTID_PURGED='+uuid:1-5,\nuuid:1-3';*\/`; with ON or AUTO it is the active
 * `SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*\/ 'uuid:1-5';`. Sets of several UUIDs span lines.
 */
const MYSQL_GTID =
  /^(?:\/\* )?SET @@GLOBAL\.GTID_PURGED=(?:\/\*!80000 '\+'\*\/ )?'\+?([^']*)';(?:\*\/)?/m;

/** MariaDB's GTID position with `--gtid --master-data=2`: `-- SET GLOBAL gtid_slave_pos='0-1-5';`. */
const MARIADB_GTID = /^-- SET GLOBAL gtid_slave_pos='([^']*)';/gm;

/**
 * The replication position a dump is consistent with, parsed from its comments. `head` is the
 * start of the dump text and `tail` its end (they may overlap for a small dump): the tools write
 * the coordinates (and MySQL's GTID set) before any data, and MariaDB's deferred GTID position
 * after all of it. Taking the first header match and the last tail match means a routine body or
 * view that happens to contain such a comment cannot be mistaken for the real one.
 *
 * @throws BackupError `DumpFailed` when the coordinates or the GTID state are missing, which
 *   means the dump is incomplete or the binary log is off.
 * @see https://dev.mysql.com/doc/refman/8.4/en/mysqldump.html#option_mysqldump_source-data
 * @see https://mariadb.com/kb/en/mariadb-dump/#options (--master-data, --gtid)
 */
export function parseDumpPosition(engine: MySQLEngine, head: string, tail: string): BackupPosition {
  const coordinates = COORDINATES.exec(head);
  if (!coordinates?.[1] || coordinates[2] === undefined) {
    throw new BackupError(
      BackupErrorCode.DumpFailed,
      "the dump has no binary log coordinates: is the binary log enabled on the server?",
    );
  }
  let gtid: string | undefined;
  if (engine === "mysql") {
    gtid = MYSQL_GTID.exec(head)?.[1];
  } else {
    gtid = [...tail.matchAll(MARIADB_GTID)].at(-1)?.[1];
  }
  if (gtid === undefined) {
    throw new BackupError(
      BackupErrorCode.DumpFailed,
      engine === "mysql"
        ? "the dump has no GTID set: is gtid_mode ON on the server?"
        : "the dump has no GTID position: the dump looks truncated",
    );
  }
  return {
    binlogFile: coordinates[1],
    binlogPosition: Number(coordinates[2]),
    gtid: gtid.replace(/\s+/g, ""),
  };
}

/**
 * Keeps the first `headLimit` bytes and the last `tailLimit` bytes of a stream that is far too
 * large to hold, for {@link parseDumpPosition}. Memory: at most headLimit + 2 × tailLimit bytes.
 */
export class HeadTailCapture {
  private readonly headChunks: Buffer[] = [];
  private headBytes = 0;
  private tailChunks: Buffer[] = [];
  private tailBytes = 0;
  /** Bytes seen so far. */
  total = 0;

  constructor(
    private readonly headLimit = 1024 * 1024,
    private readonly tailLimit = 64 * 1024,
  ) {}

  /** Records one chunk. */
  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.headBytes < this.headLimit) {
      const part = chunk.subarray(0, this.headLimit - this.headBytes);
      this.headChunks.push(Buffer.from(part));
      this.headBytes += part.length;
    }
    this.tailChunks.push(chunk);
    this.tailBytes += chunk.length;
    if (this.tailBytes > 2 * this.tailLimit) {
      const joined = Buffer.concat(this.tailChunks).subarray(this.tailBytes - this.tailLimit);
      this.tailChunks = [Buffer.from(joined)];
      this.tailBytes = joined.length;
    }
  }

  /** The start of the stream, as text. */
  head(): string {
    return Buffer.concat(this.headChunks).toString("utf8");
  }

  /** The end of the stream (up to `tailLimit` bytes), as text. */
  tail(): string {
    const joined = Buffer.concat(this.tailChunks);
    return joined.subarray(Math.max(0, joined.length - this.tailLimit)).toString("utf8");
  }
}
