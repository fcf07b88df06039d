import "server-only";

/**
 * Errors of the database-level actions. Every error names the instance it happened on (the pod
 * name the operator passed in) and keeps the driver's error as `cause`; none carries SQL text,
 * because some statements (CHANGE REPLICATION SOURCE) contain a password.
 */
export class MySQLActionError extends Error {
  override readonly name: string = "MySQLActionError";

  constructor(
    message: string,
    /** The instance (pod) name the action ran against. */
    readonly instance: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The server did not accept a connection (refused, timed out, DNS failure, access denied). */
export class InstanceUnreachableError extends MySQLActionError {
  override readonly name = "InstanceUnreachableError";
}

/** A statement failed on a reachable server. `code` is the server's error name, e.g. `ER_...`. */
export class StatementError extends MySQLActionError {
  override readonly name = "StatementError";

  constructor(
    message: string,
    instance: string,
    /** The statement's label (never its text), e.g. `change-source`. */
    readonly statement: string,
    /** The MySQL/MariaDB error number, when the server sent one. */
    readonly errno: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, instance, options);
  }
}

/** A server answered with something the operator cannot interpret (unexpected row shape). */
export class UnexpectedResponseError extends MySQLActionError {
  override readonly name = "UnexpectedResponseError";
}

/** Waiting for a replica to execute a GTID set took longer than the allowed time. */
export class ReplicationWaitTimeoutError extends MySQLActionError {
  override readonly name = "ReplicationWaitTimeoutError";

  constructor(
    instance: string,
    /** The GTID set waited for, as text. */
    readonly gtidSet: string,
    /** How long the wait lasted, in seconds. */
    readonly timeoutSeconds: number,
  ) {
    super(`${instance} did not execute GTID set '${gtidSet}' within ${timeoutSeconds} s`, instance);
  }
}

/** A GTID set's text could not be parsed. */
export class GtidParseError extends Error {
  override readonly name = "GtidParseError";
}

/** Two GTID sets of different flavours (MySQL and MariaDB) were combined. */
export class GtidFlavorMismatchError extends Error {
  override readonly name = "GtidFlavorMismatchError";
}

/** The short, secret-free description of any thrown value, for results and logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const causeMessage = error.cause instanceof Error ? error.cause.message : "";
    // Some messages already quote their cause (e.g. "cannot connect to ...: ECONNREFUSED").
    const cause = causeMessage && !error.message.includes(causeMessage) ? `: ${causeMessage}` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}
