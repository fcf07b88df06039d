import "server-only";

/**
 * Why a backup, verification or restore failed. Stable strings: the operator copies them into
 * the `reason` of the MySQLBackup / MySQLRestore conditions.
 */
export const BackupErrorCode = {
  /** The configuration or arguments are invalid; retrying with the same input cannot help. */
  InvalidConfig: "InvalidConfig",
  /** The database could not be reached or refused the connection. */
  DatabaseUnavailable: "DatabaseUnavailable",
  /** The dump tool failed (non-zero exit), or its output lacks the replication position. */
  DumpFailed: "DumpFailed",
  /** The stored object (or its bucket, or its manifest) does not exist. */
  NotFound: "NotFound",
  /** The storage refused the credentials or the access. */
  AuthFailed: "AuthFailed",
  /** The storage endpoint could not be reached. */
  StorageUnreachable: "StorageUnreachable",
  /** Any other storage error. */
  StorageError: "StorageError",
  /** The stored object's size differs from the recorded size. */
  SizeMismatch: "SizeMismatch",
  /** The stored object's sha256 differs from the recorded sha256. */
  ChecksumMismatch: "ChecksumMismatch",
  /** The database client failed while applying a verified backup. */
  RestoreFailed: "RestoreFailed",
} as const;
export type BackupErrorCode = (typeof BackupErrorCode)[keyof typeof BackupErrorCode];

/** An error of the backup engine: a {@link BackupErrorCode} and a message meant for users. */
export class BackupError extends Error {
  readonly code: BackupErrorCode;

  constructor(code: BackupErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BackupError";
    this.code = code;
  }
}

/** `{ code, message }` of any error; unknown errors keep their message under `fallback`. */
export function describeError(
  error: unknown,
  fallback: BackupErrorCode,
): { code: BackupErrorCode; message: string } {
  if (error instanceof BackupError) return { code: error.code, message: error.message };
  return { code: fallback, message: error instanceof Error ? error.message : String(error) };
}

/** The fields of an AWS SDK v3 service exception (or a Node network error) that we read. */
interface S3ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const NETWORK_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/**
 * Turns an S3 error into a {@link BackupError} with a message that says what to do. `what` names
 * the object or bucket the request was about, e.g. `s3://backups/prod/orders-1.sql.gz`.
 *
 * Maps the S3 error codes `NoSuchKey`, `NoSuchBucket`, `AccessDenied`, `InvalidAccessKeyId`,
 * `SignatureDoesNotMatch`, and the bodiless HEAD answers (`NotFound` 404, 403); network errors
 * become `StorageUnreachable`.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
 */
export function mapStorageError(error: unknown, what: string): BackupError {
  if (error instanceof BackupError) return error;
  const e = (typeof error === "object" && error !== null ? error : {}) as S3ErrorLike;
  const name = typeof e.name === "string" ? e.name : "";
  const status = e.$metadata?.httpStatusCode;
  const detail = typeof e.message === "string" && e.message !== "UnknownError" ? e.message : "";
  const make = (code: BackupErrorCode, message: string) =>
    new BackupError(code, message, { cause: error });

  switch (name) {
    case "NoSuchKey":
      return make(BackupErrorCode.NotFound, `backup object ${what} not found (NoSuchKey)`);
    case "NoSuchBucket":
      return make(BackupErrorCode.NotFound, `bucket of ${what} does not exist (NoSuchBucket)`);
    case "InvalidAccessKeyId":
      return make(
        BackupErrorCode.AuthFailed,
        `S3 does not know the access key ID used for ${what} (InvalidAccessKeyId): check the storage credentials Secret`,
      );
    case "SignatureDoesNotMatch":
      return make(
        BackupErrorCode.AuthFailed,
        `S3 rejected the signature for ${what} (SignatureDoesNotMatch): the secret access key is wrong`,
      );
    case "AccessDenied":
      return make(
        BackupErrorCode.AuthFailed,
        `S3 denied access to ${what} (AccessDenied): the credentials lack permission`,
      );
    case "PreconditionFailed":
      return make(
        BackupErrorCode.ChecksumMismatch,
        `backup object ${what} changed while it was being read (PreconditionFailed)`,
      );
  }
  if (status === 404) {
    return make(BackupErrorCode.NotFound, `backup object ${what} not found (HTTP 404)`);
  }
  if (status === 401 || status === 403) {
    return make(
      BackupErrorCode.AuthFailed,
      `S3 refused access to ${what} (HTTP ${status}): wrong credentials or missing permission`,
    );
  }
  const networkCode = typeof e.code === "string" ? e.code : "";
  if (NETWORK_ERROR_CODES.has(networkCode) || name === "TimeoutError") {
    return make(
      BackupErrorCode.StorageUnreachable,
      `S3 endpoint unreachable for ${what}: ${detail || networkCode || name}`,
    );
  }
  const label = [name, status ? `HTTP ${status}` : ""].filter(Boolean).join(", ");
  return make(
    BackupErrorCode.StorageError,
    `S3 request for ${what} failed${label ? ` (${label})` : ""}${detail ? `: ${detail}` : ""}`,
  );
}
