import type { JWT } from "next-auth/jwt";
import { describe, expect, it, vi } from "vitest";
import { refreshSessionToken, type RefreshDeps } from "../auth/tokens";
import {
  EXPIRY_SKEW_SECONDS,
  jwtExpiry,
  PassthroughTokenExpiredError,
  usableToken,
} from "./passthrough-token";

const NOW = 1_000_000;
/** An unsigned compact JWT with these claims (only the payload matters here). */
const jwt = (claims: object) =>
  ["e30", Buffer.from(JSON.stringify(claims)).toString("base64url"), "sig"].join(".");

describe("jwtExpiry", () => {
  it("reads the exp claim", () => {
    expect(jwtExpiry(jwt({ sub: "alice", exp: NOW + 60 }))).toBe(NOW + 60);
  });

  it.each([
    ["not a JWT", "opaque-access-token"],
    ["a payload that is not JSON", "e30.bm90LWpzb24.sig"],
    ["no exp", jwt({ sub: "alice" })],
    ["a string exp", jwt({ exp: "soon" })],
  ])("refuses %s", (_what, token) => {
    expect(() => jwtExpiry(token)).toThrow(Error);
  });
});

describe("usableToken", () => {
  it("passes a token good for longer than the skew", () => {
    const token = jwt({ exp: NOW + EXPIRY_SKEW_SECONDS + 1 });
    expect(usableToken(token, NOW)).toBe(token);
  });

  it("refuses an expired token, or one expiring within the skew, with status 401", () => {
    for (const exp of [NOW - 1, NOW, NOW + EXPIRY_SKEW_SECONDS]) {
      const error = (() => {
        try {
          usableToken(jwt({ exp }), NOW);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(PassthroughTokenExpiredError);
      expect((error as PassthroughTokenExpiredError).statusCode).toBe(401);
    }
  });
});

describe("the session's ID token across refreshes", () => {
  const base: JWT = {
    sub: "alice",
    email: "alice@pilothouse.dev",
    accessToken: "at-1",
    refreshToken: "rt-1",
    accessTokenExpiresAt: NOW + 600,
    idToken: jwt({ exp: NOW + 600 }),
  };
  const deps = (refresh: RefreshDeps["refresh"]): RefreshDeps => ({ now: () => NOW, refresh });

  it("refreshes when the ID token expires before the access token, and takes the new one", async () => {
    const fresh = jwt({ exp: NOW + 900 });
    const refresh = vi.fn(() =>
      Promise.resolve({ accessToken: "at-2", expiresAt: NOW + 900, idToken: fresh }),
    );
    const next = await refreshSessionToken(
      { ...base, idToken: jwt({ exp: NOW + 3 }) },
      deps(refresh),
    );
    expect(refresh).toHaveBeenCalledOnce();
    expect(next.idToken).toBe(fresh);
  });

  it("drops the old ID token when a refresh brings none", async () => {
    const refresh = () => Promise.resolve({ accessToken: "at-2", expiresAt: NOW + 900 });
    const next = await refreshSessionToken(
      { ...base, accessTokenExpiresAt: NOW + 1 },
      deps(refresh),
    );
    expect(next.accessToken).toBe("at-2");
    expect(next.idToken).toBeUndefined();
  });

  it("an ended session carries no ID token", async () => {
    const next = await refreshSessionToken(
      { ...base, refreshToken: undefined, accessTokenExpiresAt: NOW - 1 },
      deps(vi.fn()),
    );
    expect(next.sessionError).toBe("NoRefreshToken");
    expect(next.idToken).toBeUndefined();
  });
});
