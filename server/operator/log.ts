import "server-only";
import { pino, type Logger } from "pino";

/**
 * The operator's root logger: JSON lines on stdout. Modules derive their own with
 * `logger.child({ module: "..." })`. Anything that could carry a credential is redacted.
 */
export function createLogger(level: string): Logger {
  return pino({
    name: "pilothouse-operator",
    level,
    redact: {
      paths: [
        "*.data",
        "*.stringData",
        "*.password",
        "*.token",
        "*.headers.authorization",
        "*.headers.Authorization",
      ],
      censor: "[redacted]",
    },
  });
}
