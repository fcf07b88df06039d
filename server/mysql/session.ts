import "server-only";
import { createConnection, escape, type Connection } from "mysql2/promise";
import type { ReplicationContext, InstanceRef } from "./context";
import type { Row, Statement } from "./dialect";
import { InstanceUnreachableError, StatementError, UnexpectedResponseError } from "./errors";

/** Driver error codes that mean the server went away, not that a statement was refused. */
const CONNECTION_LOST = new Set([
  "PROTOCOL_CONNECTION_LOST",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

interface DriverError {
  code?: unknown;
  errno?: unknown;
  sqlMessage?: unknown;
  message?: unknown;
}

function driverError(error: unknown): DriverError {
  return typeof error === "object" && error !== null ? error : {};
}

/**
 * A copy of a driver error without the statement text (mysql2 attaches it as `sql`) and with
 * `secrets` masked in the message, safe to keep as a `cause` and to log.
 */
function sanitized(error: unknown, secrets: readonly string[]): Error {
  const { code, errno, sqlMessage, message } = driverError(error);
  let text = String(sqlMessage ?? message ?? error);
  // A server echoing a statement back shows values escaped, as they were sent.
  const forms = secrets.flatMap((secret) => [secret, escape(secret).slice(1, -1)]);
  for (const form of forms) if (form) text = text.split(form).join("[redacted]");
  const copy = new Error(text);
  Object.assign(copy, { code, errno });
  return copy;
}

/** One connection to one server, running {@link Statement}s. */
export class InstanceSession {
  constructor(
    readonly instance: InstanceRef,
    private readonly connection: Connection,
    readonly context: ReplicationContext,
  ) {}

  /**
   * Runs one statement and returns its rows (empty for statements without a result set).
   *
   * @param extraTimeoutSeconds added to the context's statement timeout (for GTID waits).
   * @throws InstanceUnreachableError when the connection is lost; StatementError otherwise.
   */
  async rows(statement: Statement, extraTimeoutSeconds = 0): Promise<Row[]> {
    const timeout = (this.context.statementTimeoutSeconds + extraTimeoutSeconds) * 1000;
    this.context.logger.debug({ instance: this.instance.name, statement: statement.label }, "sql");
    try {
      const [result] = await this.connection.query({ sql: statement.sql, timeout });
      return Array.isArray(result) ? (result as Row[]) : [];
    } catch (error) {
      const cause = sanitized(error, statement.secrets ?? []);
      const { code, errno } = driverError(error);
      const where = `${statement.label} on ${this.instance.name}`;
      if (typeof code === "string" && CONNECTION_LOST.has(code)) {
        throw new InstanceUnreachableError(
          `lost the connection during ${where}`,
          this.instance.name,
          { cause },
        );
      }
      throw new StatementError(
        `${where} failed: ${cause.message}`,
        this.instance.name,
        statement.label,
        typeof errno === "number" ? errno : undefined,
        { cause },
      );
    }
  }

  /** Runs statements in order. */
  async run(...statements: Statement[]): Promise<void> {
    for (const statement of statements) await this.rows(statement);
  }

  /**
   * Runs a statement and parses its single row with `parse` (undefined when there is no row).
   *
   * @throws UnexpectedResponseError when `parse` rejects the row.
   */
  async one<T>(statement: Statement, parse: (row: Row) => T): Promise<T | undefined> {
    const [row] = await this.rows(statement);
    if (row === undefined) return undefined;
    try {
      return parse(row);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new UnexpectedResponseError(`${this.instance.name}: ${message}`, this.instance.name, {
        cause: error,
      });
    }
  }
}

/**
 * Opens a connection to `instance` as the operator's admin account, runs `action`, and closes
 * the connection whatever happens. One short-lived connection per action: addresses move with
 * the topology, and a pooled connection to a dead primary would only fail later.
 *
 * @throws InstanceUnreachableError when no connection can be made within the connect timeout;
 *   whatever `action` throws.
 */
export async function withInstance<T>(
  context: ReplicationContext,
  instance: InstanceRef,
  action: (session: InstanceSession) => Promise<T>,
): Promise<T> {
  let connection: Connection;
  try {
    connection = await createConnection({
      host: instance.address.host,
      port: instance.address.port,
      user: context.admin.user,
      password: context.admin.password,
      connectTimeout: context.connectTimeoutSeconds * 1000,
      multipleStatements: false,
      supportBigNumbers: true,
    });
  } catch (error) {
    const cause = sanitized(error, [context.admin.password]);
    throw new InstanceUnreachableError(
      `cannot connect to ${instance.name} (${instance.address.host}:${instance.address.port}): ${cause.message}`,
      instance.name,
      { cause },
    );
  }
  try {
    return await action(new InstanceSession(instance, connection, context));
  } finally {
    // A dead server never answers COM_QUIT: destroy instead of waiting for end().
    connection.destroy();
  }
}
