import "server-only";
import { GtidFlavorMismatchError } from "./errors";
import {
  countMySQL,
  formatMySQLGtidSet,
  parseMySQLGtidSet,
  subtractMySQL,
  unionMySQL,
  type MySQLGtidSet,
} from "./gtid-mysql";
import {
  formatMariaDBGtidSet,
  mariadbPosition,
  parseMariaDBGtidSet,
  subtractMariaDB,
  unionMariaDB,
  type MariaDBGtidSet,
} from "./gtid-mariadb";

export type { MySQLGtidSet, GtidInterval } from "./gtid-mysql";
export type { MariaDBGtidSet, MariaDBGtid } from "./gtid-mariadb";

/** Which server family wrote a GTID set: MySQL (`uuid:1-5`) or MariaDB (`domain-server-seq`). */
export type GtidFlavor = "mysql" | "mariadb";

/**
 * A set of executed (or received) transactions, of either flavour. Pure values: every function
 * below returns a new set. Combining sets of different flavours throws GtidFlavorMismatchError.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-concepts.html
 * @see https://mariadb.com/kb/en/gtid/
 */
export type GtidSet = MySQLGtidSet | MariaDBGtidSet;

/** How two GTID sets relate. */
export type GtidComparison = "equal" | "ahead" | "behind" | "diverged";

/**
 * Parses GTID set text of the given flavour.
 *
 * @throws GtidParseError when the text is not a GTID set of that flavour.
 */
export function parseGtidSet(flavor: GtidFlavor, text: string): GtidSet {
  return flavor === "mysql" ? parseMySQLGtidSet(text) : parseMariaDBGtidSet(text);
}

/** The server's own text form (what `WAIT_FOR_EXECUTED_GTID_SET` / `MASTER_GTID_WAIT` take). */
export function formatGtidSet(set: GtidSet): string {
  return set.flavor === "mysql" ? formatMySQLGtidSet(set) : formatMariaDBGtidSet(set);
}

/** True when the set holds no transaction. */
export function isEmptyGtidSet(set: GtidSet): boolean {
  return set.flavor === "mysql" ? set.sources.size === 0 : set.entries.size === 0;
}

function mismatch(a: GtidSet, b: GtidSet): GtidFlavorMismatchError {
  return new GtidFlavorMismatchError(`cannot combine a ${a.flavor} and a ${b.flavor} GTID set`);
}

/**
 * The transactions of `a` that are not in `b` (MySQL's `GTID_SUBTRACT(a, b)`).
 *
 * @throws GtidFlavorMismatchError when the sets are of different flavours.
 */
export function gtidSubtract(a: GtidSet, b: GtidSet): GtidSet {
  if (a.flavor === "mysql" && b.flavor === "mysql") return subtractMySQL(a, b);
  if (a.flavor === "mariadb" && b.flavor === "mariadb") return subtractMariaDB(a, b);
  throw mismatch(a, b);
}

/**
 * Every transaction of `a` and of `b`.
 *
 * @throws GtidFlavorMismatchError when the sets are of different flavours.
 */
export function gtidUnion(a: GtidSet, b: GtidSet): GtidSet {
  if (a.flavor === "mysql" && b.flavor === "mysql") return unionMySQL(a, b);
  if (a.flavor === "mariadb" && b.flavor === "mariadb") return unionMariaDB(a, b);
  throw mismatch(a, b);
}

/** True when every transaction of `subset` is in `superset` (MySQL's `GTID_SUBSET`). */
export function gtidContains(superset: GtidSet, subset: GtidSet): boolean {
  return isEmptyGtidSet(gtidSubtract(subset, superset));
}

/**
 * How `a` relates to `b`: `ahead` when `a` has everything `b` has and more, `diverged` when
 * each has transactions the other lacks (one of them has errant transactions).
 */
export function compareGtidSets(a: GtidSet, b: GtidSet): GtidComparison {
  const aHasAll = gtidContains(a, b);
  const bHasAll = gtidContains(b, a);
  if (aHasAll && bHasAll) return "equal";
  if (aHasAll) return "ahead";
  return bHasAll ? "behind" : "diverged";
}

/**
 * Errant transactions: what a replica has executed that its primary's set does not include. A
 * replica with errant transactions must never be promoted: its extra writes would be replicated
 * everywhere, and the primary's conflicting history would be lost or break replication.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/gtid-functions.html
 */
export function errantTransactions(replica: GtidSet, primary: GtidSet): GtidSet {
  return gtidSubtract(replica, primary);
}

/** Who wrote a transaction first: a MySQL `server_uuid` or a MariaDB `server_id`. */
export type GtidOrigin = { serverUuid: string } | { serverId: number };

/** The part of a set that the given server wrote itself (its client transactions). */
export function originatedBy(set: GtidSet, origin: GtidOrigin): GtidSet {
  if (set.flavor === "mysql") {
    const uuid = "serverUuid" in origin ? origin.serverUuid.toLowerCase() : undefined;
    const sources = [...set.sources].filter(([key]) => key.split(":")[0] === uuid);
    return { flavor: "mysql", sources: new Map(sources) };
  }
  const id = "serverId" in origin ? origin.serverId : undefined;
  const entries = [...set.entries].filter(([, gtid]) => gtid.serverId === id);
  return { flavor: "mariadb", entries: new Map(entries) };
}

/**
 * What a replica must reach to have executed `set`, in the form its wait function takes: MySQL
 * waits for the whole set; MariaDB's `MASTER_GTID_WAIT` takes a position (the last GTID per
 * domain).
 */
export function waitTarget(set: GtidSet): GtidSet {
  return set.flavor === "mysql" ? set : mariadbPosition(set);
}

/**
 * A rough size for ordering sets that {@link compareGtidSets} cannot order: the number of
 * transactions (MySQL) or the sum of the last sequence numbers per domain (MariaDB).
 */
export function gtidWeight(set: GtidSet): bigint {
  if (set.flavor === "mysql") return countMySQL(set);
  let total = 0n;
  for (const gtid of mariadbPosition(set).entries.values()) total += gtid.seq;
  return total;
}
