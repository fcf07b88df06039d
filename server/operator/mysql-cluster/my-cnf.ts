import "server-only";
import { myCnfOverrideLines } from "@/lib/crds/mycnf";
import type { MySQLClusterSpec, MySQLEngine } from "@/lib/crds/mysql-cluster";

/**
 * Seconds a commit on the primary waits for a replica's acknowledgement before semi-sync falls
 * back to asynchronous replication (reported as `Degraded`, reason `SemiSyncAsynchronous`).
 * Long enough to ride out a replica's restart, short enough that writes do not hang for long
 * when every replica is gone.
 */
export const SEMI_SYNC_TIMEOUT_SECONDS = 10;

/**
 * Semi-synchronous replication as the operator runs it, written down so that a server that
 * restarts comes back with it instead of the defaults (asynchronous, AFTER_COMMIT): AFTER_SYNC,
 * the operator's timeout, and both sides switched on (the source side only acts on a server that
 * takes writes, which a restarted server does not until the operator opens it). MySQL loads the
 * plugins at start (`plugin_load_add`; `loose_` so that a server without them still starts);
 * MariaDB has them built in.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/replication-semisync-installation.html
 * @see https://mariadb.com/kb/en/semisynchronous-replication/#enabling-semisynchronous-replication
 */
function semiSyncLines(engine: MySQLEngine): string[] {
  const timeoutMs = SEMI_SYNC_TIMEOUT_SECONDS * 1000;
  return engine === "mysql"
    ? [
        "plugin_load_add = semisync_source.so",
        "plugin_load_add = semisync_replica.so",
        "loose_rpl_semi_sync_source_enabled = ON",
        "loose_rpl_semi_sync_source_wait_point = AFTER_SYNC",
        `loose_rpl_semi_sync_source_timeout = ${timeoutMs}`,
        "loose_rpl_semi_sync_source_wait_no_replica = ON",
        "loose_rpl_semi_sync_replica_enabled = ON",
      ]
    : [
        "rpl_semi_sync_master_enabled = ON",
        "rpl_semi_sync_master_wait_point = AFTER_SYNC",
        `rpl_semi_sync_master_timeout = ${timeoutMs}`,
        "rpl_semi_sync_slave_enabled = ON",
      ];
}

/**
 * The my.cnf every server of a cluster starts with, `[mysqld]` only:
 *
 * - binary log on, GTIDs on (MySQL needs them switched on, MariaDB always has them), replicas
 *   log what they apply (so any of them can become the primary), no DNS lookups on connect;
 * - read-only (`super_read_only` too on MySQL): every server starts as a replica, and only the
 *   operator opens the one it knows to be the primary for writes, so a restarted old primary
 *   never takes writes behind a new one's back;
 * - semi-synchronous replication (see {@link semiSyncLines});
 * - then `spec.mycnf`, sorted by name; settings the operator owns are never taken from it.
 *
 * Per-server options (`server-id`, `report-host`) are command-line arguments, because one file
 * serves every pod.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-howto.html
 * @see https://dev.mysql.com/doc/refman/8.4/en/server-system-variables.html#sysvar_super_read_only
 * @see https://mariadb.com/kb/en/gtid/
 */
export function myCnf(spec: Pick<MySQLClusterSpec, "engine" | "mycnf">): string {
  const { engine } = spec;
  const common = ["[mysqld]", "skip_name_resolve = ON"];
  const perEngine =
    engine === "mysql"
      ? [
          "log_bin = mysql-bin",
          "gtid_mode = ON",
          "enforce_gtid_consistency = ON",
          "log_replica_updates = ON",
          "read_only = ON",
          "super_read_only = ON",
        ]
      : [
          "log_bin = mariadb-bin",
          // MySQL 8.4 logs rows only (and deprecates the option); MariaDB defaults to MIXED.
          "binlog_format = ROW",
          "gtid_strict_mode = ON",
          "log_slave_updates = ON",
          "read_only = ON",
        ];
  const overrides = myCnfOverrideLines(spec.mycnf);
  const user = overrides.length > 0 ? ["", "# spec.mycnf", ...overrides] : [];
  return [...common, ...perEngine, ...semiSyncLines(engine), ...user, ""].join("\n");
}

/** File name of {@link myCnf} in the ConfigMap and in the server's include directory. */
export const MY_CNF_KEY = "pilothouse.cnf";

/** The include directory both official images read (`!includedir /etc/mysql/conf.d/`). */
export const CONF_DIR = "/etc/mysql/conf.d";
