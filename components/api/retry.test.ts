import { describe, expect, it } from "vitest";
import { ApiRequestError } from "./fetch-json";
import { retryDelay, shouldRetry } from "./retry";

const error = (status: number) => new ApiRequestError({ status, code: "x", message: "m" });

describe("shouldRetry", () => {
  it("keeps retrying while Kubernetes or the dashboard cannot be reached", () => {
    for (const status of [0, 502, 503, 504]) expect(shouldRetry(50, error(status))).toBe(true);
  });

  it("never retries 4xx and retries other failures twice", () => {
    expect(shouldRetry(0, error(403))).toBe(false);
    expect(shouldRetry(0, error(404))).toBe(false);
    expect(shouldRetry(1, error(500))).toBe(true);
    expect(shouldRetry(2, error(500))).toBe(false);
  });
});

describe("retryDelay", () => {
  it("backs off exponentially up to 30 s", () => {
    expect([0, 1, 2, 10].map(retryDelay)).toEqual([1_000, 2_000, 4_000, 30_000]);
  });
});
