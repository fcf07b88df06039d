import "server-only";
import { format } from "mysql2/promise";
import { z } from "zod";
import type { ReplicationStatus, Row, Statement } from "./dialect";

/**
 * Builds a {@link Statement}. `sql` holds only constant text; every value that comes from
 * configuration or from a server (host, account, password, GTID set, number) is a `?`
 * placeholder filled by mysql2's `format`, which quotes and escapes it.
 */
export function statement(
  label: string,
  sql: string,
  values?: readonly (string | number)[],
  secrets?: readonly string[],
): Statement {
  return {
    label,
    sql: values === undefined ? sql : format(sql, [...values]),
    ...(secrets === undefined ? {} : { secrets }),
  };
}

/** A whole number of seconds or milliseconds accepted by SET GLOBAL and the wait functions. */
export function wholeNumber(value: number, what: string, min = 0): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${what} must be an integer of at least ${min}, got ${value}`);
  }
  return value;
}

/** A TCP port. */
export function tcpPort(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new RangeError(`port must be between 1 and 65535, got ${value}`);
  }
  return value;
}

/** A server flag as mysql2 returns it: 0/1 numbers, or ON/OFF text. */
export const FlagSchema = z.union([z.number(), z.bigint(), z.string()]).transform((value) => {
  const text = String(value).toUpperCase();
  return text === "1" || text === "ON" || text === "YES";
});

/** Text a server may send as a string, a Buffer or NULL; NULL and blanks become "". */
export const TextSchema = z
  .union([z.string(), z.instanceof(Buffer), z.null()])
  .transform((value) => (value === null ? "" : value.toString()));

/** A number a server may send as a number, a bigint or a numeric string. */
export const NumberSchema = z.union([z.number(), z.bigint(), z.string()]).pipe(z.coerce.number());

/**
 * Parses one row with `schema`.
 *
 * @throws Error naming `what` and the fields that did not match (the instance layer wraps it in
 *   an UnexpectedResponseError naming the server).
 */
export function parseRow<T>(schema: z.ZodType<T>, row: Row, what: string): T {
  const result = schema.safeParse(row);
  if (!result.success) {
    throw new Error(`unexpected ${what} row: ${z.prettifyError(result.error)}`, {
      cause: result.error,
    });
  }
  return result.data;
}

/** `Variable_name`/`Value` rows of SHOW VARIABLES / SHOW STATUS as a lower-case-keyed map. */
export function variableMap(rows: readonly Row[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const row of rows) {
    const name = row.Variable_name;
    const value = TextSchema.or(NumberSchema.transform(String)).safeParse(row.Value);
    if (typeof name === "string") map.set(name.toLowerCase(), value.success ? value.data : "");
  }
  return map;
}

/** The receiver thread's state from `Replica_IO_Running` / `Slave_IO_Running`. */
export function ioThreadState(value: string): ReplicationStatus["ioThread"] {
  if (value === "Yes") return "running";
  return value === "Connecting" ? "connecting" : "stopped";
}

/** An error column: empty text means no error. */
export function errorText(value: string): string | undefined {
  return value.trim() === "" ? undefined : value;
}
