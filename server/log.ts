import "server-only";
import pino, { type Logger } from "pino";
import { getLogLevel } from "./config";

/**
 * Paths pino replaces with `[redacted]` wherever they appear in a log object: credentials of the
 * dashboard, of users and of the apiserver connection must never reach the logs.
 */
export const REDACTED_PATHS = [
  "authorization",
  "cookie",
  "password",
  "secret",
  "token",
  "accessToken",
  "idToken",
  "refreshToken",
  "clientSecret",
  "*.authorization",
  "*.Authorization",
  "*.cookie",
  "*.password",
  "*.secret",
  "*.token",
  "*.accessToken",
  "*.idToken",
  "*.refreshToken",
  "*.clientSecret",
  "headers.authorization",
  "headers.cookie",
  'headers["set-cookie"]',
];

/**
 * Creates the root logger writing JSON lines to stdout (or to `destination`, for tests).
 *
 * @see https://getpino.io/#/docs/redaction
 */
export function createRootLogger(destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name: "pilothouse-dashboard",
    level: getLogLevel(),
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    base: { pid: process.pid },
  };
  return destination ? pino(options, destination) : pino(options);
}

let root: Logger | undefined;

/**
 * One child logger per module (STYLE.md rule 15).
 *
 * @param module - short module name, e.g. `kube/watch`.
 */
export function moduleLogger(module: string): Logger {
  root ??= createRootLogger();
  return root.child({ module });
}
