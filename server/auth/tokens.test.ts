import type { JWT } from "next-auth/jwt";
import { describe, expect, it, vi } from "vitest";
import {
  RefreshRefusedError,
  refreshSessionToken,
  sessionIsValid,
  type RefreshDeps,
} from "./tokens";

const NOW = 1_000_000;
const base: JWT = {
  sub: "alice",
  email: "alice@pilothouse.dev",
  name: "Alice",
  groups: ["pilothouse:operators"],
  accessToken: "at-1",
  refreshToken: "rt-1",
  accessTokenExpiresAt: NOW + 60,
};

function deps(refresh: RefreshDeps["refresh"]): RefreshDeps {
  return { now: () => NOW, refresh };
}

describe("refreshSessionToken", () => {
  it("leaves a token that is good for more than the skew alone", async () => {
    const refresh = vi.fn();
    expect(await refreshSessionToken(base, deps(refresh))).toBe(base);
    expect(refresh).not.toHaveBeenCalled();
  });

  it("refreshes a token about to expire, keeping the refresh token when none is returned", async () => {
    const refresh = vi.fn(() => Promise.resolve({ accessToken: "at-2", expiresAt: NOW + 65 }));
    const token = { ...base, accessTokenExpiresAt: NOW + 5 };
    const next = await refreshSessionToken(token, deps(refresh));
    expect(refresh).toHaveBeenCalledWith("rt-1");
    expect(next).toMatchObject({
      accessToken: "at-2",
      refreshToken: "rt-1",
      accessTokenExpiresAt: NOW + 65,
    });
    expect(next.sessionError).toBeUndefined();
    expect(sessionIsValid(next, NOW)).toBe(true);
  });

  it("takes a rotated refresh token", async () => {
    const refresh = () =>
      Promise.resolve({ accessToken: "at-2", refreshToken: "rt-2", expiresAt: NOW + 60 });
    const next = await refreshSessionToken(
      { ...base, accessTokenExpiresAt: NOW - 1 },
      deps(refresh),
    );
    expect(next.refreshToken).toBe("rt-2");
  });

  it("ends the session, dropping every token, when the provider refuses the refresh", async () => {
    const refresh = () => Promise.reject(new RefreshRefusedError("invalid_grant"));
    const next = await refreshSessionToken(
      { ...base, accessTokenExpiresAt: NOW + 3 },
      deps(refresh),
    );
    expect(next.sessionError).toBe("RefreshFailed");
    expect(next.accessToken).toBeUndefined();
    expect(next.refreshToken).toBeUndefined();
    expect(next.email).toBe("alice@pilothouse.dev");
    expect(sessionIsValid(next, NOW)).toBe(false);
  });

  it("keeps a still-valid token when the provider is unreachable, but never an expired one", async () => {
    const refresh = () => Promise.reject(new Error("ECONNREFUSED"));
    const soon = { ...base, accessTokenExpiresAt: NOW + 3 };
    expect(await refreshSessionToken(soon, deps(refresh))).toBe(soon);
    const expired = { ...base, accessTokenExpiresAt: NOW - 1 };
    expect((await refreshSessionToken(expired, deps(refresh))).sessionError).toBe("RefreshFailed");
  });

  it("ends the session at expiry when the provider issued no refresh token", async () => {
    const refresh = vi.fn();
    const noRefresh = { ...base, refreshToken: undefined, accessTokenExpiresAt: NOW + 5 };
    expect(await refreshSessionToken(noRefresh, deps(refresh))).toBe(noRefresh);
    const expired = { ...noRefresh, accessTokenExpiresAt: NOW };
    expect((await refreshSessionToken(expired, deps(refresh))).sessionError).toBe("NoRefreshToken");
    expect(refresh).not.toHaveBeenCalled();
  });

  it("ends sessions from before tokens were kept, and stays ended", async () => {
    const legacy: JWT = { sub: "x", email: "x@pilothouse.dev", groups: [] };
    const next = await refreshSessionToken(legacy, deps(vi.fn()));
    expect(next.sessionError).toBe("NoAccessToken");
    expect(await refreshSessionToken(next, deps(vi.fn()))).toBe(next);
  });
});
