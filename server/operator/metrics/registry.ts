import "server-only";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The operator's Prometheus metrics: one registry per process, served on `/metrics` (see
 * ./http-server.ts). Controllers add their own metrics to `registry`; the reconcile metrics here
 * are shared by every controller and labelled with its name.
 *
 * @see https://prometheus.io/docs/practices/naming/
 */
export class OperatorMetrics {
  readonly registry = new Registry();

  /** Reconciles finished, by controller and result (`success`, `error`). */
  readonly reconciles = new Counter({
    name: "pilothouse_operator_reconcile_total",
    help: "Reconciles finished, by controller and result (success or error).",
    labelNames: ["controller", "result"] as const,
    registers: [this.registry],
  });

  /** Reconciles that threw (retried with backoff), by controller. */
  readonly reconcileErrors = new Counter({
    name: "pilothouse_operator_reconcile_errors_total",
    help: "Reconciles that failed and were retried with backoff, by controller.",
    labelNames: ["controller"] as const,
    registers: [this.registry],
  });

  /** How long reconciles take, in seconds. */
  readonly reconcileDuration = new Histogram({
    name: "pilothouse_operator_reconcile_duration_seconds",
    help: "Duration of reconciles in seconds, by controller.",
    labelNames: ["controller"] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  /** 1 while this process holds the leader Lease (or runs without leader election). */
  readonly leader = new Gauge({
    name: "pilothouse_operator_leader",
    help: "1 while this operator process is the active leader, 0 while it waits.",
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "pilothouse_operator_" });
  }

  /** Records one finished reconcile of `controller` (duration in seconds). */
  observeReconcile(controller: string, seconds: number, failed: boolean): void {
    this.reconciles.inc({ controller, result: failed ? "error" : "success" });
    if (failed) this.reconcileErrors.inc({ controller });
    this.reconcileDuration.observe({ controller }, seconds);
  }
}
