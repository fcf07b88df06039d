import "server-only";
import { GtidParseError } from "./errors";

/** One MariaDB GTID: replication domain, originating server, sequence number. */
export interface MariaDBGtid {
  readonly domain: number;
  readonly serverId: number;
  readonly seq: bigint;
}

/**
 * A MariaDB GTID set in the form of `@@global.gtid_binlog_state`: for each (domain, server) pair,
 * the last sequence number that server wrote in that domain. With `gtid_strict_mode` every
 * domain has one ordered history, so an entry `d-s-n` stands for every transaction server `s`
 * wrote in domain `d` up to `n`. Keeping the originating server (rather than only the last GTID
 * per domain, as `gtid_binlog_pos` does) is what makes a replica's own writes visible as errant
 * even after the primary has written more.
 *
 * @see https://mariadb.com/kb/en/gtid/#gtid_binlog_state
 */
export interface MariaDBGtidSet {
  readonly flavor: "mariadb";
  /** Keyed by `domain-serverId`, sorted by domain then server. */
  readonly entries: ReadonlyMap<string, MariaDBGtid>;
}

const GTID = /^(\d+)-(\d+)-(\d+)$/;
const MAX_U32 = 2 ** 32 - 1;
const MAX_SEQ = 2n ** 64n - 1n;

const keyOf = (gtid: MariaDBGtid): string => `${gtid.domain}-${gtid.serverId}`;

/** Builds a set from GTIDs, keeping the highest sequence number per (domain, server). */
export function mariadbGtidSet(gtids: Iterable<MariaDBGtid>): MariaDBGtidSet {
  const entries = new Map<string, MariaDBGtid>();
  for (const gtid of gtids) {
    const current = entries.get(keyOf(gtid));
    if (!current || current.seq < gtid.seq) entries.set(keyOf(gtid), gtid);
  }
  const sorted = [...entries].sort(
    ([, a], [, b]) => a.domain - b.domain || a.serverId - b.serverId,
  );
  return { flavor: "mariadb", entries: new Map(sorted) };
}

/**
 * Parses a MariaDB GTID list (`0-1-5,1-2-10`), as `gtid_binlog_state`, `gtid_binlog_pos`,
 * `gtid_slave_pos` or `Gtid_IO_Pos` show it. The empty string is the empty set.
 *
 * @throws GtidParseError on anything else.
 */
export function parseMariaDBGtidSet(text: string): MariaDBGtidSet {
  const compact = text.replace(/\s+/g, "");
  if (compact === "") return mariadbGtidSet([]);
  return mariadbGtidSet(
    compact.split(",").map((element) => {
      const match = GTID.exec(element);
      if (!match?.[1] || !match[2] || !match[3]) {
        throw new GtidParseError(`invalid MariaDB GTID '${element}' (expected domain-server-seq)`);
      }
      const domain = Number(match[1]);
      const serverId = Number(match[2]);
      const seq = BigInt(match[3]);
      if (domain > MAX_U32 || serverId > MAX_U32 || seq > MAX_SEQ) {
        throw new GtidParseError(`MariaDB GTID '${element}' is out of range`);
      }
      return { domain, serverId, seq };
    }),
  );
}

/** The comma-separated list MariaDB accepts, sorted by domain then server. */
export function formatMariaDBGtidSet(set: MariaDBGtidSet): string {
  return [...set.entries.values()].map((g) => `${g.domain}-${g.serverId}-${g.seq}`).join(",");
}

/** The entries of `a` that `b` does not cover (b lacks the pair, or has a lower sequence). */
export function subtractMariaDB(a: MariaDBGtidSet, b: MariaDBGtidSet): MariaDBGtidSet {
  return mariadbGtidSet(
    [...a.entries]
      .filter(([key, gtid]) => (b.entries.get(key)?.seq ?? -1n) < gtid.seq)
      .map(([, g]) => g),
  );
}

/** The highest sequence per (domain, server) of both sets. */
export function unionMariaDB(a: MariaDBGtidSet, b: MariaDBGtidSet): MariaDBGtidSet {
  return mariadbGtidSet([...a.entries.values(), ...b.entries.values()]);
}

/**
 * The replication position of a set: per domain, its GTID with the highest sequence number. This
 * is what `MASTER_GTID_WAIT()` and `gtid_slave_pos` take.
 *
 * @see https://mariadb.com/kb/en/master_gtid_wait/
 */
export function mariadbPosition(set: MariaDBGtidSet): MariaDBGtidSet {
  const byDomain = new Map<number, MariaDBGtid>();
  for (const gtid of set.entries.values()) {
    const current = byDomain.get(gtid.domain);
    if (!current || current.seq < gtid.seq) byDomain.set(gtid.domain, gtid);
  }
  return mariadbGtidSet(byDomain.values());
}
