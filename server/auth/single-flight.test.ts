import { describe, expect, it } from "vitest";
import { RefreshFlights, RESULT_TTL_MS, refreshOnce } from "./single-flight";

describe("refreshOnce", () => {
  it("runs one refresh for any number of racing callers and shares its result", async () => {
    let calls = 0;
    let release: (value: string) => void = () => undefined;
    const refresh = () => {
      calls += 1;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const racing = Array.from({ length: 50 }, () => refreshOnce("rt-race", refresh));
    release("at-new");
    expect(await Promise.all(racing)).toEqual(Array(50).fill("at-new"));
    expect(calls).toBe(1);
  });

  it("reuses a settled result briefly, then refreshes again", async () => {
    let clock = 0;
    let calls = 0;
    const refresh = () => Promise.resolve(`at-${++calls}`);
    expect(await refreshOnce("rt-cache", refresh, () => clock)).toBe("at-1");
    clock = RESULT_TTL_MS - 1;
    expect(await refreshOnce("rt-cache", refresh, () => clock)).toBe("at-1");
    clock = RESULT_TTL_MS + 1;
    expect(await refreshOnce("rt-cache", refresh, () => clock)).toBe("at-2");
  });

  it("shares a failure with the callers that raced it, and keys by refresh token", async () => {
    const failing = () => Promise.reject(new Error("invalid_grant"));
    const a = refreshOnce("rt-fail", failing);
    const b = refreshOnce("rt-fail", () => Promise.resolve("never"));
    await expect(a).rejects.toThrow("invalid_grant");
    await expect(b).rejects.toThrow("invalid_grant");
    expect(await refreshOnce("rt-other", () => Promise.resolve("ok"))).toBe("ok");
  });
});

describe("RefreshFlights", () => {
  it("keeps the flights of two instances (two replicas in one test) apart", async () => {
    const a = new RefreshFlights();
    const b = new RefreshFlights();
    let calls = 0;
    const refresh = () => Promise.resolve(`at-${++calls}`);
    const [fromA, fromA2, fromB] = await Promise.all([
      a.run("rt-shared", refresh),
      a.run("rt-shared", refresh),
      b.run("rt-shared", refresh),
    ]);
    expect(fromA).toBe(fromA2);
    expect(fromB).not.toBe(fromA);
    expect(calls).toBe(2);
    expect(a.size).toBe(1);
  });
});
