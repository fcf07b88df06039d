import "server-only";
import { pino, type Logger } from "pino";

/**
 * Paths pino replaces with `[redacted]`: the database password and the S3 keys must never reach
 * a log line, even when a whole options object is logged by mistake.
 */
const REDACTED_PATHS = [
  "password",
  "secretAccessKey",
  "accessKeyId",
  "credentials",
  "*.password",
  "*.secretAccessKey",
  "*.accessKeyId",
  "*.credentials",
  "*.*.password",
  "*.*.credentials",
];

/**
 * The backup command's root logger. Writes JSON lines to stderr (file descriptor 2), so that
 * stdout carries only the one result line the operator and the tests read.
 *
 * @param level - pino level name, e.g. `info`.
 * @see https://getpino.io/#/docs/redaction
 */
export function createBackupLogger(level = "info"): Logger {
  return pino(
    {
      name: "pilothouse-backup",
      level,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    },
    pino.destination(2),
  );
}

let fallback: Logger | undefined;

/** The logger the engine uses when its caller passes none: one per process, level `info`. */
export function defaultBackupLogger(): Logger {
  fallback ??= createBackupLogger("info");
  return fallback;
}
