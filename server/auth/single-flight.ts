import "server-only";
import { createHash } from "node:crypto";

/**
 * One refresh at a time per refresh token, in this process (across replicas, see
 * `refresh-coordinator.ts`, which runs behind it): however many requests of one session
 * race past the access token's expiry, the first starts the refresh and the others wait for the
 * same promise; its result stays cached for {@link RESULT_TTL_MS} so requests that arrive just
 * after (still carrying the old cookie) reuse it instead of spending the refresh token again.
 *
 * The map lives on `globalThis` because Next.js bundles the proxy and the route handlers
 * separately: both must share one flight per token.
 */

/** How long a settled refresh is reused for the same refresh token, in milliseconds. */
export const RESULT_TTL_MS = 30_000;

interface Flight<T> {
  promise: Promise<T>;
  /** Epoch milliseconds when the promise settled; undefined while in flight. */
  settledAt?: number;
}

/** The map key: a digest, so the refresh token itself is not kept as a key. */
const keyOf = (refreshToken: string) => createHash("sha256").update(refreshToken).digest("hex");

/**
 * A set of flights, one per refresh token. The process has one ({@link refreshOnce}); tests that
 * play several dashboard replicas in one process give each its own.
 */
export class RefreshFlights {
  private readonly flights = new Map<string, Flight<unknown>>();

  /**
   * Runs `refresh` once for `refreshToken` and shares the outcome (value or rejection) with every
   * concurrent and recent caller.
   *
   * @param refreshToken - the session's refresh token (the single-flight key).
   * @param refresh - starts the refresh; called at most once per key while a flight is pending or
   *   cached.
   * @param now - clock in epoch milliseconds (tests pass their own).
   */
  run<T>(
    refreshToken: string,
    refresh: () => Promise<T>,
    now: () => number = Date.now,
  ): Promise<T> {
    const { flights } = this;
    const key = keyOf(refreshToken);
    const existing = flights.get(key) as Flight<T> | undefined;
    if (
      existing &&
      (existing.settledAt === undefined || now() - existing.settledAt < RESULT_TTL_MS)
    ) {
      return existing.promise;
    }
    const flight: Flight<T> = { promise: refresh() };
    flights.set(key, flight);
    const settle = () => {
      flight.settledAt = now();
      setTimeout(() => {
        if (flights.get(key) === flight) flights.delete(key);
      }, RESULT_TTL_MS).unref();
    };
    flight.promise.then(settle, settle);
    return flight.promise;
  }

  /** Number of refresh tokens with a pending or cached flight (for tests and metrics). */
  get size(): number {
    return this.flights.size;
  }
}

const KEY = Symbol.for("pilothouse.auth.refresh-flights.v2");
const holder = globalThis as typeof globalThis & { [KEY]?: RefreshFlights };
const processFlights: RefreshFlights = (holder[KEY] ??= new RefreshFlights());

/**
 * Runs `refresh` once for `refreshToken` in this process and shares the outcome (value or
 * rejection) with every concurrent and recent caller (see {@link RefreshFlights.run}).
 */
export function refreshOnce<T>(
  refreshToken: string,
  refresh: () => Promise<T>,
  now: () => number = Date.now,
): Promise<T> {
  return processFlights.run(refreshToken, refresh, now);
}

/** Number of refresh tokens with a pending or cached flight (for tests and metrics). */
export function flightCount(): number {
  return processFlights.size;
}
