import { describe, expect, it } from "vitest";
import { TokenBucketLimiter } from "./rate-limit";

describe("TokenBucketLimiter", () => {
  it("allows a burst, then refuses with the seconds until the next token", () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ capacity: 3, refillPerSecond: 0.5, now: () => now });
    expect([1, 2, 3].map(() => limiter.take("alice").allowed)).toEqual([true, true, true]);
    expect(limiter.take("alice")).toEqual({ allowed: false, retryAfterSeconds: 2 });
    now = 2_000;
    expect(limiter.take("alice").allowed).toBe(true);
    expect(limiter.take("alice").allowed).toBe(false);
  });

  it("keeps one bucket per user", () => {
    const limiter = new TokenBucketLimiter({ capacity: 1, refillPerSecond: 1, now: () => 0 });
    expect(limiter.take("alice").allowed).toBe(true);
    expect(limiter.take("alice").allowed).toBe(false);
    expect(limiter.take("bob").allowed).toBe(true);
  });

  it("never holds more than the capacity and forgets the least recent users past maxKeys", () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({
      capacity: 2,
      refillPerSecond: 1,
      now: () => now,
      maxKeys: 2,
    });
    limiter.take("a");
    now = 60_000;
    expect([1, 2, 3].map(() => limiter.take("a").allowed)).toEqual([true, true, false]);
    limiter.take("b");
    limiter.take("c"); // drops "a": it starts again with a full bucket
    expect(limiter.take("a").allowed).toBe(true);
  });
});
