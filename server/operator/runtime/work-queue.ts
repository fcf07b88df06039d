import "server-only";

/** Delays of {@link WorkQueue.addRateLimited}, in milliseconds. */
export interface BackoffOptions {
  /** First retry delay (ms). */
  baseDelayMs: number;
  /** Upper bound of the delay (ms). */
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseDelayMs: 200, maxDelayMs: 60_000 };

/**
 * A keyed, de-duplicating work queue with per-key exponential backoff, after client-go's
 * `workqueue`: a key waits in the queue at most once however often it is added; a key being
 * processed is never handed to a second worker, and if it was added meanwhile it is queued again
 * when {@link done} is called. Keys are `namespace/name` strings.
 *
 * @see https://pkg.go.dev/k8s.io/client-go/util/workqueue
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, { dueAt: number; timer: NodeJS.Timeout }>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;

  constructor(private readonly backoff: BackoffOptions = DEFAULT_BACKOFF) {}

  /** Queues `key` unless it is already waiting; a no-op after {@link shutDown}. */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (!this.processing.has(key)) this.hand(key);
  }

  /**
   * Queues `key` after `delayMs` milliseconds. When the key already has a pending delayed add,
   * the earlier one wins.
   */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const dueAt = Date.now() + delayMs;
    const pending = this.timers.get(key);
    if (pending && pending.dueAt <= dueAt) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.timers.set(key, { dueAt, timer });
  }

  /**
   * Queues `key` after its next backoff delay: `baseDelayMs * 2^failures`, capped at
   * `maxDelayMs`, where failures counts the calls since the last {@link forget}.
   *
   * @returns the delay chosen, in milliseconds.
   */
  addRateLimited(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    const delay = Math.min(this.backoff.baseDelayMs * 2 ** failures, this.backoff.maxDelayMs);
    this.addAfter(key, delay);
    return delay;
  }

  /** Resets the backoff of `key` (after a successful reconcile). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** How many times `key` failed since it was last forgotten. */
  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /**
   * Waits for the next key and marks it as processing; the caller must call {@link done}.
   *
   * @returns the key, or undefined once the queue is shut down.
   */
  get(): Promise<string | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) {
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks `key` as processed; re-queues it when it was added while being processed. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key) && !this.shuttingDown) this.hand(key);
  }

  /** Keys waiting to be handed out (not counting delayed or processing ones). */
  get length(): number {
    return this.queue.length;
  }

  /** Stops handing out keys: pending and future {@link get} calls resolve to undefined. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  private hand(key: string): void {
    const waiter = this.waiters.shift();
    if (!waiter) {
      this.queue.push(key);
      return;
    }
    this.dirty.delete(key);
    this.processing.add(key);
    waiter(key);
  }
}
