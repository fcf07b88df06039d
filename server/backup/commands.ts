import "server-only";
import type { MySQLEngine } from "@/lib/crds/mysql-cluster";
import { BackupError, BackupErrorCode } from "./errors";

/** A program and its arguments, spawned without a shell. */
export interface Command {
  program: string;
  args: string[];
}

/**
 * Largest statement the tools send or accept, in bytes (1 GiB, the protocol's maximum): a row
 * larger than the default 24-64 MiB would otherwise fail the dump or the restore.
 */
const MAX_ALLOWED_PACKET = 1024 * 1024 * 1024;

/** Options both dump tools understand with the same meaning. */
const COMMON_DUMP_OPTIONS = [
  // One REPEATABLE READ transaction: a consistent snapshot of InnoDB tables without locking them.
  "--single-transaction",
  "--routines",
  "--events",
  "--triggers",
  // Binary columns as hex literals: the dump stays valid text whatever the column charset.
  "--hex-blob",
  // Restore replaces each database as a whole: tables created after the backup go away too.
  "--add-drop-database",
  // No tablespace DDL (MySQL needs PROCESS for it; a restore target has its own tablespaces).
  "--no-tablespaces",
  `--max-allowed-packet=${MAX_ALLOWED_PACKET}`,
];

/**
 * The dump command for `engine`, dumping `databases` (user databases only: dumping `mysql`
 * would restore accounts over the target's own).
 *
 * - MySQL 8.4 `mysqldump`: `--source-data=2` writes the binary log coordinates of the snapshot as
 *   a comment (`-- CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE=..., SOURCE_LOG_POS=...`);
 *   `--set-gtid-purged=COMMENTED` writes `gtid_executed` as a comment. Both are read under
 *   the brief `FLUSH TABLES WITH READ LOCK` that starts the transaction (RELOAD privilege), so they
 *   match the snapshot. Commented, so the dump loads into a server with its own GTID history (an
 *   active `SET @@GLOBAL.GTID_PURGED` fails there with ER_CANT_SET_GTID_PURGED_DUE_SETS_CONSTRAINTS).
 * - MariaDB `mariadb-dump`: `--master-data=2` writes the binary log coordinates as a comment, and
 *   `--gtid` adds the GTID position (`-- SET GLOBAL gtid_slave_pos='...'`, at the end of the dump).
 *   Both are read inside the snapshot (`Binlog_snapshot_file` / `Binlog_snapshot_position`,
 *   converted with `BINLOG_GTID_POS()`), without a global read lock.
 *
 * The option file must come first: both tools only accept `--defaults-file` as argument one.
 *
 * @param optionFile - path of the `[client]` option file with host, port, user and password.
 * @throws BackupError `InvalidConfig` when `databases` is empty or a name starts with `-`.
 * @see https://dev.mysql.com/doc/refman/8.4/en/mysqldump.html
 * @see https://mariadb.com/kb/en/mariadb-dump/
 */
export function dumpCommand(engine: MySQLEngine, optionFile: string, databases: string[]): Command {
  if (databases.length === 0) {
    throw new BackupError(
      BackupErrorCode.InvalidConfig,
      "the server has no user databases to back up (system schemas are never backed up)",
    );
  }
  const odd = databases.find((name) => name.startsWith("-") || name.length === 0);
  if (odd !== undefined) {
    throw new BackupError(BackupErrorCode.InvalidConfig, `cannot dump a database named '${odd}'`);
  }
  const engineOptions =
    engine === "mysql"
      ? ["--source-data=2", "--set-gtid-purged=COMMENTED"]
      : ["--master-data=2", "--gtid"];
  return {
    program: engine === "mysql" ? "mysqldump" : "mariadb-dump",
    args: [
      `--defaults-file=${optionFile}`,
      ...COMMON_DUMP_OPTIONS,
      ...engineOptions,
      "--databases",
      ...databases,
    ],
  };
}

/**
 * The command-line client that applies a dump read from stdin: `mysql` for MySQL 8.4, `mariadb`
 * for MariaDB. It stops at the first failing statement and exits non-zero.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/mysql-batch-commands.html
 * @see https://mariadb.com/kb/en/mariadb-command-line-client/
 */
export function clientCommand(engine: MySQLEngine, optionFile: string): Command {
  return {
    program: engine === "mysql" ? "mysql" : "mariadb",
    args: [
      `--defaults-file=${optionFile}`,
      `--max-allowed-packet=${MAX_ALLOWED_PACKET}`,
      "--batch",
    ],
  };
}
