import "server-only";
import { performance } from "node:perf_hooks";
import type { Logger } from "pino";
import type { WorkQueue } from "./work-queue";

/** What a reconcile asks for when it succeeds. */
export interface ReconcileResult {
  /** Reconcile this key again after this many milliseconds (e.g. to poll a slow change). */
  requeueAfterMs?: number;
}

/**
 * Brings one object (`namespace/name`) to its desired state. Level-based: it reads the current
 * state itself and must be safe to call any number of times. Throwing means "retry with backoff";
 * errors retrying cannot fix should be written as a condition and not thrown.
 *
 * @see https://pkg.go.dev/sigs.k8s.io/controller-runtime/pkg/reconcile
 */
export type Reconciler = (key: string) => Promise<ReconcileResult | void>;

export interface ControllerOptions {
  /** For logs, e.g. `mysqlcluster`. */
  name: string;
  queue: WorkQueue;
  reconcile: Reconciler;
  /** Keys reconciled at the same time (different keys only). */
  workers: number;
  logger: Logger;
  /** Called after every reconcile with its duration in seconds (for metrics). */
  observe?: (seconds: number, failed: boolean) => void;
}

/**
 * Runs `workers` loops that take keys from the queue and reconcile them: success forgets the
 * key's backoff (and honours `requeueAfterMs`), a thrown error re-queues it with backoff.
 */
export class Controller {
  private readonly log: Logger;
  private loops: Promise<void>[] = [];

  constructor(private readonly options: ControllerOptions) {
    this.log = options.logger.child({ module: "controller", controller: options.name });
  }

  /** Starts the worker loops; idempotent. */
  start(): void {
    if (this.loops.length > 0) return;
    this.loops = Array.from({ length: this.options.workers }, () => this.work());
  }

  /** Shuts the queue down and waits for reconciles in flight to finish. */
  async stop(): Promise<void> {
    this.options.queue.shutDown();
    await Promise.all(this.loops);
  }

  private async work(): Promise<void> {
    const { queue, reconcile } = this.options;
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        const result = await reconcile(key);
        queue.forget(key);
        if (result?.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
        this.options.observe?.(seconds(), false);
        this.log.debug({ key, ms: Math.round(seconds() * 1000) }, "reconciled");
      } catch (error) {
        this.options.observe?.(seconds(), true);
        const retryInMs = queue.addRateLimited(key);
        this.log.warn(
          { key, err: error, retryInMs, retries: queue.retries(key) },
          "reconcile failed",
        );
      } finally {
        queue.done(key);
      }
    }
  }
}
