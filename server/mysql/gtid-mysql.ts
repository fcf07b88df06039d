import "server-only";
import { GtidParseError } from "./errors";

/** An inclusive range of transaction numbers (GNOs), `start <= end`, both at least 1. */
export interface GtidInterval {
  readonly start: bigint;
  readonly end: bigint;
}

/**
 * A MySQL GTID set: per transaction source (`uuid`, or `uuid:tag` for tagged GTIDs of MySQL
 * 8.4), the sorted, merged intervals of transaction numbers. Keys are lower case.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-concepts.html
 */
export interface MySQLGtidSet {
  readonly flavor: "mysql";
  readonly sources: ReadonlyMap<string, readonly GtidInterval[]>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TAG = /^[a-z_][a-z0-9_]{0,31}$/;
const INTERVAL = /^(\d+)(?:-(\d+))?$/;
const MAX_GNO = 2n ** 63n - 1n;

/** Sorts and merges intervals, joining adjacent ones (`1-3` and `4-5` become `1-5`). */
export function normalizeIntervals(intervals: readonly GtidInterval[]): GtidInterval[] {
  const sorted = [...intervals].sort((a, b) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : 0,
  );
  const merged: GtidInterval[] = [];
  for (const next of sorted) {
    const last = merged.at(-1);
    if (last && next.start <= last.end + 1n) {
      if (next.end > last.end) merged[merged.length - 1] = { start: last.start, end: next.end };
    } else {
      merged.push(next);
    }
  }
  return merged;
}

/** Builds a normalized set from per-source intervals, dropping sources without intervals. */
export function mysqlGtidSet(entries: Iterable<[string, readonly GtidInterval[]]>): MySQLGtidSet {
  const sources = new Map<string, GtidInterval[]>();
  for (const [key, intervals] of entries) {
    const all = normalizeIntervals([...(sources.get(key) ?? []), ...intervals]);
    if (all.length > 0) sources.set(key, all);
  }
  return { flavor: "mysql", sources: new Map([...sources].sort(([a], [b]) => a.localeCompare(b))) };
}

function parseInterval(text: string, element: string): GtidInterval {
  const match = INTERVAL.exec(text);
  if (!match?.[1]) throw new GtidParseError(`invalid interval '${text}' in '${element}'`);
  const start = BigInt(match[1]);
  const end = match[2] === undefined ? start : BigInt(match[2]);
  if (start < 1n || end < start || end > MAX_GNO) {
    throw new GtidParseError(`invalid interval '${text}' in '${element}'`);
  }
  return { start, end };
}

/**
 * Parses MySQL GTID set text as `@@global.gtid_executed` or `Retrieved_Gtid_Set` show it:
 * `uuid:1-5:7,uuid2:1-3`, tagged `uuid:1-5:tag:1-3`, whitespace and newlines anywhere between
 * elements. The empty string is the empty set.
 *
 * @throws GtidParseError on anything else.
 */
export function parseMySQLGtidSet(text: string): MySQLGtidSet {
  const compact = text.replace(/\s+/g, "").toLowerCase();
  if (compact === "") return mysqlGtidSet([]);
  const entries: [string, GtidInterval[]][] = [];
  for (const element of compact.split(",")) {
    const [uuid, ...rest] = element.split(":");
    if (!uuid || !UUID.test(uuid)) throw new GtidParseError(`invalid source UUID in '${element}'`);
    if (rest.length === 0) throw new GtidParseError(`no transaction numbers in '${element}'`);
    let key = uuid;
    let pending = false;
    for (const part of rest) {
      if (INTERVAL.test(part)) {
        entries.push([key, [parseInterval(part, element)]]);
        pending = false;
      } else if (TAG.test(part) && !pending) {
        key = `${uuid}:${part}`;
        pending = true;
      } else {
        throw new GtidParseError(`invalid part '${part}' in '${element}'`);
      }
    }
    if (pending) throw new GtidParseError(`tag without transaction numbers in '${element}'`);
  }
  return mysqlGtidSet(entries);
}

function formatIntervals(intervals: readonly GtidInterval[]): string {
  return intervals.map((i) => (i.start === i.end ? `${i.start}` : `${i.start}-${i.end}`)).join(":");
}

/** MySQL's text form: sources sorted, untagged intervals before the tags of the same UUID. */
export function formatMySQLGtidSet(set: MySQLGtidSet): string {
  const byUuid = new Map<string, string[]>();
  for (const [key, intervals] of set.sources) {
    const [uuid = key, tag] = key.split(":");
    const parts = byUuid.get(uuid) ?? [];
    parts.push(
      tag === undefined ? formatIntervals(intervals) : `${tag}:${formatIntervals(intervals)}`,
    );
    byUuid.set(uuid, parts);
  }
  return [...byUuid].map(([uuid, parts]) => `${uuid}:${parts.join(":")}`).join(",");
}

/** `a − b` on interval lists. */
export function subtractIntervals(
  a: readonly GtidInterval[],
  b: readonly GtidInterval[],
): GtidInterval[] {
  let remaining = [...a];
  for (const cut of b) {
    remaining = remaining.flatMap((piece) => {
      if (cut.end < piece.start || cut.start > piece.end) return [piece];
      const left = cut.start > piece.start ? [{ start: piece.start, end: cut.start - 1n }] : [];
      const right = cut.end < piece.end ? [{ start: cut.end + 1n, end: piece.end }] : [];
      return [...left, ...right];
    });
  }
  return remaining;
}

/** The transactions of `a` that are not in `b`. */
export function subtractMySQL(a: MySQLGtidSet, b: MySQLGtidSet): MySQLGtidSet {
  return mysqlGtidSet(
    [...a.sources].map(([key, intervals]) => [
      key,
      subtractIntervals(intervals, b.sources.get(key) ?? []),
    ]),
  );
}

/** Every transaction of `a` and of `b`. */
export function unionMySQL(a: MySQLGtidSet, b: MySQLGtidSet): MySQLGtidSet {
  return mysqlGtidSet([...a.sources, ...b.sources]);
}

/** The number of transactions in the set. */
export function countMySQL(set: MySQLGtidSet): bigint {
  let total = 0n;
  for (const intervals of set.sources.values()) {
    for (const i of intervals) total += i.end - i.start + 1n;
  }
  return total;
}
