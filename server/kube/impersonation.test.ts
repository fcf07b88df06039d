import type { Dispatcher } from "undici";
import { describe, expect, it } from "vitest";
import {
  headerPairsWithoutImpersonation,
  impersonationHeaderPairs,
  impersonationInterceptor,
} from "./impersonation";

const dana = { username: "dana@pilothouse.dev", groups: ["team-payments", "pilothouse:operators"] };

describe("impersonationHeaderPairs", () => {
  it("emits one Impersonate-Group pair per group, never a comma-joined value", () => {
    expect(impersonationHeaderPairs(dana)).toEqual([
      "Impersonate-User",
      "dana@pilothouse.dev",
      "Impersonate-Group",
      "team-payments",
      "Impersonate-Group",
      "pilothouse:operators",
    ]);
  });

  it("sends no group header for a user without groups", () => {
    expect(impersonationHeaderPairs({ username: "u", groups: [] })).toEqual([
      "Impersonate-User",
      "u",
    ]);
  });
});

describe("headerPairsWithoutImpersonation", () => {
  it("flattens objects (fetch's shape), arrays and iterables, dropping Impersonate-*", () => {
    const object = { authorization: "Bearer t", "Impersonate-User": "admin", accept: ["a", "b"] };
    expect(headerPairsWithoutImpersonation(object)).toEqual([
      "authorization",
      "Bearer t",
      "accept",
      "a",
      "accept",
      "b",
    ]);
    expect(headerPairsWithoutImpersonation(["x", "1", "impersonate-group", "g"])).toEqual([
      "x",
      "1",
    ]);
    const iterable = new Map<string, string>([
      ["IMPERSONATE-UID", "1"],
      ["y", "2"],
    ]);
    expect(headerPairsWithoutImpersonation(iterable)).toEqual(["y", "2"]);
    expect(headerPairsWithoutImpersonation(undefined)).toEqual([]);
  });
});

describe("impersonationInterceptor", () => {
  it("replaces any caller impersonation with the identity's, one line per group", () => {
    const seen: Dispatcher.DispatchOptions[] = [];
    const dispatch: Dispatcher["dispatch"] = (opts) => {
      seen.push(opts);
      return true;
    };
    const intercepted = impersonationInterceptor(dana)(dispatch);
    intercepted(
      {
        origin: "https://127.0.0.1:6443",
        path: "/api",
        method: "GET",
        headers: { authorization: "Bearer t", "Impersonate-Group": "system:masters" },
      },
      {},
    );
    expect(seen[0]?.headers).toEqual([
      "authorization",
      "Bearer t",
      "Impersonate-User",
      "dana@pilothouse.dev",
      "Impersonate-Group",
      "team-payments",
      "Impersonate-Group",
      "pilothouse:operators",
    ]);
  });
});
