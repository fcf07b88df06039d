import "server-only";
import type { Logger } from "pino";

/**
 * Leader election over a `coordination.k8s.io/v1` Lease, after client-go's `leaderelection`
 * (client-node 2.x has none): the leader renews the Lease every `retryPeriodMs`; a candidate
 * takes it over only after it has seen the same record, unrenewed, for a whole
 * `leaseDurationSeconds` by its own clock (never by comparing the holder's timestamps with its
 * clock, so clock skew between machines does not matter); every write carries the
 * resourceVersion it read, so two candidates never both win. A leader that cannot renew within
 * `renewDeadlineMs` stops leading, before anyone else may take over.
 *
 * @see https://kubernetes.io/docs/concepts/architecture/leases/#leader-election
 * @see https://pkg.go.dev/k8s.io/client-go/tools/leaderelection
 */

/** The Lease fields leader election uses. `resourceVersion` is opaque (STYLE.md rule 8). */
export interface LeaseRecord {
  holderIdentity: string | undefined;
  leaseDurationSeconds: number;
  acquireTime: Date | undefined;
  renewTime: Date | undefined;
  leaseTransitions: number;
  resourceVersion?: string;
}

/** Reads and writes one Lease. Writes fail with a 409 when `resourceVersion` is stale. */
export interface LeaseStore {
  get(): Promise<LeaseRecord | undefined>;
  create(record: LeaseRecord): Promise<LeaseRecord>;
  update(record: LeaseRecord): Promise<LeaseRecord>;
}

/** Time, injectable so that tests run on a fake clock. */
export interface Clock {
  /** Milliseconds, monotonic enough for durations. */
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** What to do with the Lease as last read. */
export type LeaseAction = "create" | "renew" | "takeover" | "wait";

/**
 * The pure rule: create a missing Lease, renew our own, take over one that is released (no
 * holder) or whose record has not changed for a whole lease duration since `observedAtMs` (when
 * this process first saw that record), and wait otherwise.
 */
export function leaseAction(
  record: LeaseRecord | undefined,
  identity: string,
  observedAtMs: number,
  nowMs: number,
): LeaseAction {
  if (!record) return "create";
  if (record.holderIdentity === identity) return "renew";
  if (!record.holderIdentity) return "takeover";
  return nowMs >= observedAtMs + record.leaseDurationSeconds * 1000 ? "takeover" : "wait";
}

/** The record this process writes for `action` at `now`. */
export function nextRecord(
  record: LeaseRecord | undefined,
  action: Exclude<LeaseAction, "wait">,
  identity: string,
  leaseDurationSeconds: number,
  now: Date,
): LeaseRecord {
  const renewing = action === "renew" && record;
  return {
    holderIdentity: identity,
    leaseDurationSeconds,
    acquireTime: renewing ? (record.acquireTime ?? now) : now,
    renewTime: now,
    leaseTransitions:
      (record?.leaseTransitions ?? 0) + (action === "takeover" && record?.holderIdentity ? 1 : 0),
    ...(record?.resourceVersion ? { resourceVersion: record.resourceVersion } : {}),
  };
}

export interface LeaderElectorOptions {
  identity: string;
  store: LeaseStore;
  leaseDurationSeconds: number;
  /** A leader that has not renewed for this long stops leading (< lease duration). */
  renewDeadlineMs: number;
  /** Pause between attempts, for candidates and for the leader's renewals. */
  retryPeriodMs: number;
  clock: Clock;
  logger: Logger;
}

/** One candidate for the Lease. Use {@link lead}, then {@link release} on a clean shutdown. */
export class LeaderElector {
  private observed: { key: string; atMs: number } | undefined;
  private record: LeaseRecord | undefined;
  private leading = false;
  private readonly log: Logger;

  constructor(private readonly options: LeaderElectorOptions) {
    if (options.renewDeadlineMs >= options.leaseDurationSeconds * 1000) {
      throw new Error("renewDeadlineMs must be shorter than the lease duration");
    }
    this.log = options.logger.child({ module: "leader-election", identity: options.identity });
  }

  /** True while this process holds the Lease. */
  isLeader(): boolean {
    return this.leading;
  }

  /**
   * One attempt to acquire or renew the Lease.
   *
   * @returns true when this process holds the Lease afterwards. Errors (apiserver down, 409 on a
   *   race) count as "not now" and are logged at debug level.
   */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { store, identity, clock } = this.options;
    try {
      const current = await store.get();
      const key = current ? `${current.holderIdentity ?? ""}|${current.resourceVersion ?? ""}` : "";
      if (this.observed?.key !== key) this.observed = { key, atMs: clock.now() };
      const action = leaseAction(current, identity, this.observed.atMs, clock.now());
      if (action === "wait") {
        if (current?.holderIdentity !== this.record?.holderIdentity) {
          this.log.info({ holder: current?.holderIdentity }, "lease held by another operator");
        }
        this.record = current;
        return false;
      }
      const next = nextRecord(
        current,
        action,
        identity,
        this.options.leaseDurationSeconds,
        new Date(),
      );
      this.record = action === "create" ? await store.create(next) : await store.update(next);
      this.observed = {
        key: `${identity}|${this.record.resourceVersion ?? ""}`,
        atMs: clock.now(),
      };
      if (action !== "renew") this.log.info({ action }, "acquired the lease");
      return true;
    } catch (error) {
      this.log.debug({ err: error }, "lease attempt failed");
      return false;
    }
  }

  /**
   * Waits until this process holds the Lease, runs `onStartedLeading`, then renews until renewal
   * fails for `renewDeadlineMs` or another holder is seen, and then calls `onStoppedLeading`.
   * Resolves when leadership ends or `signal` aborts (without calling `onStoppedLeading`).
   */
  async lead(
    signal: AbortSignal,
    onStartedLeading: () => void,
    onStoppedLeading: () => void,
  ): Promise<void> {
    const { clock, retryPeriodMs, renewDeadlineMs } = this.options;
    while (!signal.aborted && !(await this.tryAcquireOrRenew())) {
      await clock.sleep(retryPeriodMs, signal);
    }
    if (signal.aborted) return;
    this.leading = true;
    onStartedLeading();
    let renewedAtMs = clock.now();
    while (!signal.aborted) {
      await clock.sleep(retryPeriodMs, signal);
      if (signal.aborted) return;
      const remainingMs = renewDeadlineMs - (clock.now() - renewedAtMs);
      if (await this.attemptWithin(remainingMs)) {
        renewedAtMs = clock.now();
        continue;
      }
      const lostToOther = this.record?.holderIdentity !== this.options.identity;
      if (lostToOther || clock.now() - renewedAtMs >= renewDeadlineMs) {
        this.leading = false;
        this.log.error({ holder: this.record?.holderIdentity }, "lost the lease");
        onStoppedLeading();
        return;
      }
    }
  }

  /** {@link tryAcquireOrRenew}, counted as failed when it takes longer than `ms`. */
  private async attemptWithin(ms: number): Promise<boolean> {
    const timer = new AbortController();
    try {
      return await Promise.race([
        this.tryAcquireOrRenew(),
        this.options.clock.sleep(Math.max(0, ms), timer.signal).then(() => false),
      ]);
    } finally {
      timer.abort();
    }
  }

  /**
   * Gives the Lease up (holder cleared, 1-second duration) so a standby takes over at once
   * instead of after a whole lease duration. Call after the controllers have stopped.
   */
  async release(): Promise<void> {
    if (!this.leading || !this.record) return;
    this.leading = false;
    // A renewal still in flight when the shutdown began may have moved the Lease on (409 on the
    // stale record): read it again and retry while it is still ours.
    let record: LeaseRecord | undefined = this.record;
    for (let attempt = 1; record; attempt++) {
      try {
        await this.options.store.update({
          ...record,
          holderIdentity: undefined,
          leaseDurationSeconds: 1,
          renewTime: new Date(),
        });
        this.log.info("released the lease");
        return;
      } catch (error) {
        if (attempt >= 3) {
          this.log.warn({ err: error }, "could not release the lease");
          return;
        }
        const current = await this.options.store.get().catch(() => undefined);
        record = current?.holderIdentity === this.options.identity ? current : undefined;
      }
    }
  }
}
