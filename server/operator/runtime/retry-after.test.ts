import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { KubeApiError } from "./kube-api-error";
import {
  DEFAULT_RETRY_AFTER_MS,
  parseRetryAfter,
  retryAfterMs,
  statusMessageOf,
} from "./retry-after";

/** A 429 as client-node 2.x throws it while a new CRD's watch cache initializes. */
const initializing = (headers: Record<string, string>, details: object = {}) =>
  new ApiException<string>(
    429,
    "HTTP-Code: 429\nMessage: Unknown API Status Code!\nBody: ...",
    JSON.stringify({
      kind: "Status",
      status: "Failure",
      message: "storage is (re)initializing",
      reason: "TooManyRequests",
      details,
      code: 429,
    }),
    headers,
  );

describe("parseRetryAfter", () => {
  it("reads delay-seconds and HTTP-dates (RFC 9110), never negative", () => {
    const now = Date.parse("2026-11-30T04:00:00Z");
    expect(parseRetryAfter("1", now)).toBe(1_000);
    expect(parseRetryAfter(" 30 ", now)).toBe(30_000);
    expect(parseRetryAfter("Mon, 30 Nov 2026 04:00:05 GMT", now)).toBe(5_000);
    expect(parseRetryAfter("Mon, 30 Nov 2026 03:59:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe("retryAfterMs", () => {
  it("honours the Retry-After header of a 429, whatever its case", () => {
    expect(retryAfterMs(initializing({ "retry-after": "1" }))).toBe(1_000);
    expect(retryAfterMs(initializing({ "Retry-After": "3" }))).toBe(3_000);
  });

  it("falls back to details.retryAfterSeconds, then to one second", () => {
    expect(retryAfterMs(initializing({}, { retryAfterSeconds: 2 }))).toBe(2_000);
    expect(retryAfterMs(initializing({}))).toBe(DEFAULT_RETRY_AFTER_MS);
    // A watch's 429 carries only a status code.
    expect(retryAfterMs(Object.assign(new Error("watch"), { statusCode: 429 }))).toBe(1_000);
  });

  it("sees through a KubeApiError wrapping the ApiException", () => {
    const wrapped = new KubeApiError(
      429,
      "TooManyRequests",
      "storage is (re)initializing",
      { kind: "MySQLCluster" },
      [],
      { cause: initializing({ "retry-after": "4" }) },
    );
    expect(retryAfterMs(wrapped)).toBe(4_000);
  });

  it("is undefined for every other failure: those back off as failures", () => {
    expect(retryAfterMs(new ApiException(500, "boom", "", {}))).toBeUndefined();
    expect(retryAfterMs(new ApiException(503, "busy", "", { "retry-after": "1" }))).toBeUndefined();
    expect(retryAfterMs(new Error("connection reset"))).toBeUndefined();
  });
});

describe("statusMessageOf", () => {
  it("answers the Status message, not client-node's multi-line dump", () => {
    expect(statusMessageOf(initializing({}))).toBe("storage is (re)initializing");
    expect(statusMessageOf(new Error("first\nsecond"))).toBe("first");
  });
});
