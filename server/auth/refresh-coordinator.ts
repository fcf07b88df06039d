import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { errors } from "jose";
import { openHandoff, sealHandoff } from "./refresh-handoff";
import { RefreshRefusedError, type RefreshedTokens } from "./refresh-result";

/**
 * One refresh per refresh token across every dashboard replica. Behind a proxy without sticky
 * sessions, two requests of one session can reach two replicas at once; an identity provider that
 * rotates refresh tokens on every use (oidc-provider `rotateRefreshToken`, Keycloak "Revoke
 * Refresh Token", Okta rotation) treats the second redemption as a reuse: `invalid_grant`, and
 * with replay detection the whole grant is revoked, ending the session.
 *
 * Protocol, per refresh token (the Lease is named from its SHA-256, in the dashboard's namespace):
 * 1. Create the Lease. The replica whose create succeeds is the holder: it redeems the refresh
 *    token, then writes the outcome onto the Lease — the new token set as a JWE only the
 *    replicas can open (`refresh-handoff.ts`), or `refused` — and deletes the Lease after
 *    {@link CoordinatorTimings.handoffSeconds}.
 * 2. A replica whose create answers 409 AlreadyExists waits: it reads the Lease with exponential
 *    backoff until the outcome is there and uses the same tokens (or ends the session when the
 *    provider refused). If the Lease disappears (the holder failed for a transient reason and
 *    released it) it tries to become the holder itself; if the Lease does not change for
 *    `leaseSeconds` of its own clock (the holder died mid-refresh) it takes it over with a
 *    resourceVersion precondition. It gives up after `maxWaitMs` with an Error (not a refusal).
 *    An outcome whose handoff has expired, or whose access token has less than
 *    `minTokenLifetimeSeconds` left, is stale (a refresh token that the provider does not rotate
 *    comes back at the next refresh): the waiter deletes that Lease and starts again.
 * 3. When the apiserver cannot be reached (or refuses the dashboard) on the first create, the
 *    replica redeems on its own and logs a warning: the session keeps working on a single replica
 *    and with providers that do not rotate, but two replicas may then redeem the same token at
 *    once (the trade-off of staying available when the coordination store is not).
 *
 * The in-process single-flight (`single-flight.ts`) stays in front, so one replica makes at most
 * one Lease attempt per refresh token.
 *
 * @see https://kubernetes.io/docs/concepts/architecture/leases/
 * @see https://datatracker.ietf.org/doc/html/rfc9700#section-4.14.2 (refresh token rotation)
 */

/** The Lease of one refresh as the coordinator sees it. */
export interface RefreshLease {
  name: string;
  /** Opaque; updates and deletes carry it as a precondition. */
  resourceVersion: string;
  holderIdentity: string;
  /** The holder's outcome: a sealed handoff (JWE) or {@link REFUSED}; absent while redeeming. */
  outcome?: string;
}

/** The coordination store (Leases in the apiserver; tests may use another). */
export interface RefreshLeaseStore {
  /**
   * Creates the Lease held by `holderIdentity`.
   *
   * @returns the Lease, or undefined when it already exists (409 AlreadyExists).
   * @throws Error when the store cannot be reached or refuses the request.
   */
  create(
    name: string,
    holderIdentity: string,
    leaseSeconds: number,
  ): Promise<RefreshLease | undefined>;
  /** @returns the Lease, or undefined when there is none. @throws Error when unreachable. */
  get(name: string): Promise<RefreshLease | undefined>;
  /**
   * Replaces holder and outcome, if the Lease is still at `lease.resourceVersion`.
   *
   * @returns the updated Lease, or undefined on a conflict (409) or when it is gone (404).
   */
  update(lease: RefreshLease): Promise<RefreshLease | undefined>;
  /** Deletes the Lease if still at `resourceVersion` (gone or changed: nothing happens). */
  delete(name: string, resourceVersion: string): Promise<void>;
  /** Deletes the refresh Leases last written more than `olderThanSeconds` ago. */
  sweep(olderThanSeconds: number): Promise<number>;
}

/** The outcome a holder writes when the provider refused the refresh token. */
export const REFUSED = "refused";

/** Timings of the protocol; every replica should use the same. */
export interface CoordinatorTimings {
  /** A Lease unchanged this long (seconds, the waiter's clock) has lost its holder. */
  leaseSeconds: number;
  /** How long the holder keeps the outcome on the Lease before deleting it, in seconds. */
  handoffSeconds: number;
  /** Longest a waiting replica waits for the outcome, in milliseconds. */
  maxWaitMs: number;
  /** First pause between two reads of the Lease, doubled after each read, in milliseconds. */
  pollInitialMs: number;
  /** Longest pause between two reads, in milliseconds. */
  pollMaxMs: number;
  /** Least time between two sweeps of leftover Leases by one replica, in milliseconds. */
  sweepIntervalMs: number;
  /**
   * A handed-over access token with less life left than this (seconds) is stale: the waiter
   * deletes the Lease and redeems itself (a provider that does not rotate refresh tokens reuses
   * the same Lease name at the next refresh). More than `REFRESH_SKEW_SECONDS` of tokens.ts.
   */
  minTokenLifetimeSeconds: number;
}

export const DEFAULT_TIMINGS: CoordinatorTimings = {
  leaseSeconds: 15,
  handoffSeconds: 60,
  maxWaitMs: 30_000,
  pollInitialMs: 25,
  pollMaxMs: 500,
  sweepIntervalMs: 5 * 60_000,
  minTokenLifetimeSeconds: 20,
};

export interface RefreshCoordinatorOptions {
  store: RefreshLeaseStore;
  /** Redeems a refresh token at the provider (`requestRefresh`). */
  redeem: (refreshToken: string) => Promise<RefreshedTokens>;
  /** The secret every replica shares (`NEXTAUTH_SECRET`); keys the handoff. */
  sessionSecret: string;
  log: Logger;
  timings?: Partial<CoordinatorTimings>;
  /** This replica's name on the Lease; defaults to host name, pid and a random suffix. */
  identity?: string;
  /** Monotonic milliseconds (tests pass their own). */
  now?: () => number;
  /** Pause in milliseconds (tests pass their own). */
  sleep?: (ms: number) => Promise<void>;
}

/** The waiting replica gave up: neither an outcome nor a chance to redeem came in time. */
export class RefreshCoordinationTimeoutError extends Error {
  override readonly name = "RefreshCoordinationTimeoutError";
}

/**
 * The Lease name for a refresh token: `pilothouse-refresh-<sha256 hex>` (89 characters, a valid
 * DNS subdomain). The token itself never reaches the apiserver.
 */
export function refreshLeaseName(refreshToken: string): string {
  return `pilothouse-refresh-${createHash("sha256").update(refreshToken).digest("hex")}`;
}

/** Coordinates the refreshes of one dashboard replica with the others (see the file comment). */
export class RefreshCoordinator {
  readonly identity: string;
  private readonly timings: CoordinatorTimings;
  private readonly now: () => number;
  private readonly pause: (ms: number) => Promise<void>;
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: RefreshCoordinatorOptions) {
    this.identity = options.identity ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.now = options.now ?? (() => performance.now());
    this.pause = options.sleep ?? ((ms) => sleep(ms));
  }

  /**
   * Redeems `refreshToken` once across the replicas and returns the new tokens.
   *
   * @throws RefreshRefusedError when the provider refused it (here or at the holder);
   *   RefreshCoordinationTimeoutError after `maxWaitMs` without an outcome; Error when the
   *   provider cannot be reached or a handoff cannot be opened (a replica with another secret).
   */
  async refresh(refreshToken: string): Promise<RefreshedTokens> {
    const name = refreshLeaseName(refreshToken);
    let created: RefreshLease | undefined;
    try {
      created = await this.options.store.create(name, this.identity, this.timings.leaseSeconds);
    } catch (err) {
      this.options.log.warn(
        { err, lease: name },
        "coordination store unreachable: refreshing without the other replicas (a provider " +
          "that rotates refresh tokens may refuse one of two racing replicas)",
      );
      return this.options.redeem(refreshToken);
    }
    if (created) return this.redeemAsHolder(created, refreshToken);
    return this.awaitOutcome(name, refreshToken);
  }

  /** Waits for the holder's outcome, becoming the holder when it has released or lost the Lease. */
  private async awaitOutcome(name: string, refreshToken: string): Promise<RefreshedTokens> {
    const { store, log } = this.options;
    const started = this.now();
    let delay = this.timings.pollInitialMs;
    let unchanged: { resourceVersion: string; since: number } | undefined;
    let lastError: unknown;
    let reads = 0;
    while (this.now() - started < this.timings.maxWaitMs) {
      await this.pause(delay);
      delay = Math.min(delay * 2, this.timings.pollMaxMs);
      let held: RefreshLease | undefined;
      let settled: RefreshLease | undefined;
      try {
        reads += 1;
        const lease = await store.get(name);
        if (!lease) {
          // Released after a transient failure (or already cleaned up): try to hold it.
          held = await store.create(name, this.identity, this.timings.leaseSeconds);
        } else if (lease.outcome) {
          settled = lease;
        } else if (unchanged?.resourceVersion !== lease.resourceVersion) {
          unchanged = { resourceVersion: lease.resourceVersion, since: this.now() };
        } else if (this.now() - unchanged.since >= this.timings.leaseSeconds * 1000) {
          held = await store.update({ ...lease, holderIdentity: this.identity });
          if (held)
            log.warn({ lease: name, previous: lease.holderIdentity }, "took over a lost refresh");
        }
      } catch (err) {
        // The store is briefly unreachable: the holder may be redeeming, so keep waiting.
        lastError = err;
        continue;
      }
      if (held) return this.redeemAsHolder(held, refreshToken);
      if (settled) {
        const tokens = await this.openOutcome(settled.outcome ?? REFUSED, refreshToken);
        if (tokens) {
          const waitedMs = Math.round(this.now() - started);
          log.debug({ lease: name, waitedMs, reads }, "refreshed by another replica");
          return tokens;
        }
        // Stale (left from an earlier refresh of a refresh token the provider does not rotate):
        // delete it, then try to hold a new Lease on the next round.
        await store.delete(settled.name, settled.resourceVersion).catch((err: unknown) => {
          lastError = err;
        });
        delay = this.timings.pollInitialMs;
      }
    }
    throw new RefreshCoordinationTimeoutError(
      `no refresh outcome on Lease ${name} within ${this.timings.maxWaitMs} ms`,
      { cause: lastError },
    );
  }

  /**
   * The tokens of a holder's outcome; undefined when they are stale (the handoff has expired or
   * its access token is about to).
   *
   * @throws RefreshRefusedError for a refusal; Error when the handoff cannot be decrypted.
   */
  private async openOutcome(
    outcome: string,
    refreshToken: string,
  ): Promise<RefreshedTokens | undefined> {
    if (outcome === REFUSED) {
      throw new RefreshRefusedError("the provider refused the refresh (at another replica)");
    }
    try {
      const tokens = await openHandoff(outcome, refreshToken, this.options.sessionSecret);
      const left = tokens.expiresAt - Date.now() / 1000;
      return left > this.timings.minTokenLifetimeSeconds ? tokens : undefined;
    } catch (err) {
      if (err instanceof errors.JWTExpired) return undefined;
      throw new Error(
        "cannot open another replica's refresh handoff (do all replicas share NEXTAUTH_SECRET?)",
        { cause: err },
      );
    }
  }

  /** Redeems as the holder, publishes the outcome on the Lease, and schedules its deletion. */
  private async redeemAsHolder(
    lease: RefreshLease,
    refreshToken: string,
  ): Promise<RefreshedTokens> {
    this.sweepNowAndThen();
    let tokens: RefreshedTokens;
    try {
      tokens = await this.options.redeem(refreshToken);
    } catch (err) {
      if (err instanceof RefreshRefusedError) {
        await this.publish(lease, REFUSED);
      } else {
        // Transient (provider unreachable): release, so that a later request may try again.
        await this.options.store
          .delete(lease.name, lease.resourceVersion)
          .catch((error: unknown) =>
            this.options.log.warn(
              { err: error, lease: lease.name },
              "cannot release refresh Lease",
            ),
          );
      }
      throw err;
    }
    const sealed = await sealHandoff(
      tokens,
      refreshToken,
      this.options.sessionSecret,
      this.timings.handoffSeconds,
    );
    await this.publish(lease, sealed);
    return tokens;
  }

  /**
   * Writes `outcome` onto the held Lease (three attempts, 100 ms apart: the waiting replicas
   * depend on it) and deletes the Lease after the handoff time.
   */
  private async publish(lease: RefreshLease, outcome: string): Promise<void> {
    const { store, log } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        const written = await store.update({ ...lease, outcome });
        if (!written) {
          log.warn({ lease: lease.name }, "refresh Lease changed under its holder");
          return;
        }
        setTimeout(() => {
          store.delete(written.name, written.resourceVersion).catch((err: unknown) => {
            log.warn({ err, lease: written.name }, "cannot delete refresh Lease (swept later)");
          });
        }, this.timings.handoffSeconds * 1000).unref();
        return;
      } catch (err) {
        if (attempt < 3) {
          await this.pause(100);
          continue;
        }
        // The caller has its tokens; the waiting replicas time out or take over (their
        // session keeps its access token while valid).
        log.warn({ err, lease: lease.name }, "cannot publish the refresh outcome on the Lease");
        return;
      }
    }
  }

  /** Deletes Leases left by replicas that died, at most once per `sweepIntervalMs`. */
  private sweepNowAndThen(): void {
    const now = this.now();
    if (now - this.lastSweep < this.timings.sweepIntervalMs) return;
    this.lastSweep = now;
    const olderThan = 2 * (this.timings.leaseSeconds + this.timings.handoffSeconds);
    this.options.store.sweep(olderThan).then(
      (deleted) => {
        if (deleted > 0) this.options.log.info({ deleted }, "swept leftover refresh Leases");
      },
      (err: unknown) => this.options.log.warn({ err }, "cannot sweep refresh Leases"),
    );
  }
}
