import "server-only";

/**
 * Per-user rate limit of mutating API requests: a token bucket per user, kept in memory in each
 * dashboard replica (so N replicas allow up to N times the rate; Kubernetes' own API priority and
 * fairness stays the real guard of the apiserver). A bucket holds `capacity` tokens, refills at
 * `refillPerSecond`, and each request takes one; an empty bucket refuses with the time until
 * the next token.
 *
 * @see https://en.wikipedia.org/wiki/Token_bucket
 */

export interface RateLimitOptions {
  /** Burst size: requests allowed at once. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
  /** Clock in epoch milliseconds. */
  now?: () => number;
  /** Most users tracked; the fullest buckets are dropped first past it. */
  maxKeys?: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  /** Epoch milliseconds of the last refill. */
  at: number;
}

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly options: RateLimitOptions) {
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /**
   * Takes one token from `key`'s bucket.
   *
   * @returns allowed, or refused with whole seconds until a token is back (at least 1).
   */
  take(key: string): RateDecision {
    const now = this.now();
    const { capacity, refillPerSecond } = this.options;
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(
      capacity,
      bucket.tokens + ((now - bucket.at) / 1000) * refillPerSecond,
    );
    bucket.at = now;
    this.buckets.delete(key);
    this.buckets.set(key, bucket); // most recently used last
    this.prune();
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerSecond)),
    };
  }

  /** Drops the least recently used buckets past `maxKeys` (a full bucket forgets nothing). */
  private prune(): void {
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys) return;
      this.buckets.delete(key);
    }
  }
}

/** Mutating requests per user: bursts of 60, then one per second, per replica. */
export const MUTATION_LIMIT = { capacity: 60, refillPerSecond: 1 } as const;

const KEY = Symbol.for("pilothouse.auth.mutation-limiter");
const holder = globalThis as typeof globalThis & { [KEY]?: TokenBucketLimiter };

/**
 * The process's limiter of mutating requests (on `globalThis`: Next.js may load this module once
 * per route bundle, and every route must share one bucket per user).
 */
export function mutationLimiter(): TokenBucketLimiter {
  holder[KEY] ??= new TokenBucketLimiter(MUTATION_LIMIT);
  return holder[KEY];
}
