import "server-only";
import { Counter, type Registry } from "prom-client";

/** How a restore ended, as counted. */
export type RestoreOutcome = "succeeded" | "failed";

/** What the MySQLRestore controller reports to Prometheus (a no-op in unit tests). */
export interface RestoreMetrics {
  /** One restore reached a final phase (counted once, when that phase is written). */
  finished(namespace: string, outcome: RestoreOutcome): void;
}

export const noRestoreMetrics: RestoreMetrics = { finished: () => undefined };

/**
 * `pilothouse_mysql_restores_total{namespace, outcome}` in `registry`: finished restores by
 * outcome, so that an alert can fire on any failed restore.
 *
 * @see https://prometheus.io/docs/practices/naming/
 */
export function prometheusRestoreMetrics(registry: Registry): RestoreMetrics {
  const counter = new Counter({
    name: "pilothouse_mysql_restores_total",
    help: "MySQLRestores that finished, by namespace and outcome (succeeded or failed).",
    labelNames: ["namespace", "outcome"] as const,
    registers: [registry],
  });
  return { finished: (namespace, outcome) => counter.inc({ namespace, outcome }) };
}
