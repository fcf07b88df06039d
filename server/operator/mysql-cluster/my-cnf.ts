import "server-only";
import type { MySQLEngine } from "@/lib/crds/mysql-cluster";

/**
 * The server options every Pilothouse cluster starts with, per engine: binary log on, GTIDs on
 * (MySQL needs them switched on, MariaDB always has them), replicas log what they apply (so any
 * of them can become the primary), and no DNS lookups on connect. Per-server options
 * (`server-id`, `report-host`) are command-line arguments, because one file serves every pod.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-howto.html
 * @see https://mariadb.com/kb/en/gtid/
 */
export function myCnf(engine: MySQLEngine): string {
  const common = ["[mysqld]", "skip_name_resolve = ON"];
  const perEngine =
    engine === "mysql"
      ? [
          "log_bin = mysql-bin",
          "gtid_mode = ON",
          "enforce_gtid_consistency = ON",
          "log_replica_updates = ON",
        ]
      : [
          "log_bin = mariadb-bin",
          // MySQL 8.4 logs rows only (and deprecates the option); MariaDB defaults to MIXED.
          "binlog_format = ROW",
          "gtid_strict_mode = ON",
          "log_slave_updates = ON",
        ];
  return [...common, ...perEngine, ""].join("\n");
}

/** File name of {@link myCnf} in the ConfigMap and in the server's include directory. */
export const MY_CNF_KEY = "pilothouse.cnf";

/** The include directory both official images read (`!includedir /etc/mysql/conf.d/`). */
export const CONF_DIR = "/etc/mysql/conf.d";
