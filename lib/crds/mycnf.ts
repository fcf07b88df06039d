/**
 * `spec.mycnf` of a MySQLCluster: server settings written into the `[mysqld]` section of the
 * cluster's my.cnf, after the operator's own. The settings the operator needs for replication,
 * failover and its own access are refused — by zod and, in the generated CRD, by a CEL rule whose
 * message names the setting — because overriding them would break the topology silently.
 *
 * MySQL and MariaDB treat `-` and `_` in option names alike and ignore case, so the check does too.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/option-files.html
 * @see https://mariadb.com/kb/en/configuring-mariadb-with-option-files/
 */
import type { z } from "zod";
import {
  configOverrideLines,
  configOverridesSchema,
  configOverridesValidations,
} from "./config-overrides";

/**
 * Settings the operator owns, in canonical form (lower case, `_`). Any setting starting with
 * {@link OPERATOR_OWNED_PREFIXES} is owned too.
 */
export const OPERATOR_OWNED_SETTINGS = [
  "server_id",
  "report_host",
  "report_port",
  "port",
  "bind_address",
  "socket",
  "datadir",
  "skip_networking",
  "log_bin",
  "skip_log_bin",
  "disable_log_bin",
  "log_bin_index",
  "relay_log",
  "binlog_format",
  "gtid_mode",
  "enforce_gtid_consistency",
  "gtid_strict_mode",
  "gtid_domain_id",
  "log_slave_updates",
  "log_replica_updates",
  "read_only",
  "super_read_only",
  "skip_slave_start",
  "skip_replica_start",
  "skip_name_resolve",
] as const;

/** Prefixes of owned settings: semi-synchronous replication is the operator's to switch. */
export const OPERATOR_OWNED_PREFIXES = ["rpl_semi_sync_"] as const;

/** Most settings one cluster may override. */
export const MAX_MYCNF_SETTINGS = 64;

const KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** A setting name as the server reads it: lower case, `-` as `_`. */
export function canonicalSetting(name: string): string {
  return name.toLowerCase().replaceAll("-", "_");
}

/** True when the operator owns the setting `name` (in any spelling). */
export function isOwnedSetting(name: string): boolean {
  const canonical = canonicalSetting(name);
  return (
    (OPERATOR_OWNED_SETTINGS as readonly string[]).includes(canonical) ||
    OPERATOR_OWNED_PREFIXES.some((prefix) => canonical.startsWith(prefix))
  );
}

const canonicalCel = "k.lowerAscii().replace('-', '_')";
const ownedCel =
  `(${canonicalCel} in [${OPERATOR_OWNED_SETTINGS.map((s) => `'${s}'`).join(", ")}] || ` +
  OPERATOR_OWNED_PREFIXES.map((prefix) => `${canonicalCel}.startsWith('${prefix}')`).join(" || ") +
  ")";

const KEY_MESSAGE =
  "setting names must start with a letter and contain only letters, digits, '_' and '-' (at most 64 characters)";

const RULES = {
  keyPattern: KEY_PATTERN,
  keyMessage: KEY_MESSAGE,
  maxSettings: MAX_MYCNF_SETTINGS,
  isOwned: isOwnedSetting,
  ownedCel,
};

/** The CEL rules of `spec.mycnf`; the owned-setting rule's message names the first offender. */
export const MYCNF_VALIDATIONS = configOverridesValidations(RULES);

/**
 * `spec.mycnf`: setting → value, e.g. `{ max_connections: "500", innodb_buffer_pool_size:
 * "1G" }`. Values are written as they are (one line each), so line breaks are refused.
 */
export const MyCnfOverridesSchema = configOverridesSchema(RULES);
export type MyCnfOverrides = z.infer<typeof MyCnfOverridesSchema>;

/**
 * The `[mysqld]` lines of `spec.mycnf`, sorted by setting name so the text (and the pods' config
 * hash) does not change when only the order of the keys does: `name = value`. For the cluster
 * controller to append after its own settings. Owned settings are skipped even if present (an
 * object stored before a rule existed).
 */
export function myCnfOverrideLines(overrides: MyCnfOverrides | undefined): string[] {
  return configOverrideLines(overrides, RULES, " = ");
}
