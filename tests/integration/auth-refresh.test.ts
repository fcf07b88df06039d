/**
 * The session token lifecycle against the real OpenID provider: refreshing an expiring access
 * token, one refresh for many racing requests, and a revoked refresh token ending the session
 * with no token left in it.
 *
 * Needs the local platform's env file (`source "$(./pilothouse env)"`).
 */
import type { JWT } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import {
  clientFromEnv,
  revokeRefreshToken,
  signInWithCodeFlow,
} from "@/platform/oidc/code-flow-client";
import { DEMO_USERS } from "@/platform/oidc/users";
import { refreshSessionToken, requestRefresh, sessionIsValid } from "@/server/auth/tokens";

const client = clientFromEnv();
const alice = DEMO_USERS.find((u) => u.email === "alice@pilothouse.dev");
const now = () => Math.floor(Date.now() / 1000);

async function expiringSession(): Promise<JWT> {
  if (!alice) throw new Error("no demo user alice");
  const tokens = await signInWithCodeFlow(client, alice);
  expect(tokens.refresh_token).toBeTruthy();
  return {
    sub: alice.email,
    email: alice.email,
    groups: alice.groups,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    // As if the access token were about to expire: the dashboard must refresh it now.
    accessTokenExpiresAt: now() + 2,
  };
}

describe("session token refresh", () => {
  it("refreshes once for 20 racing requests and keeps the session valid", async () => {
    const session = await expiringSession();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => refreshSessionToken(session)),
    );
    const accessTokens = new Set(results.map((r) => r.accessToken));
    expect(accessTokens.size).toBe(1);
    expect(accessTokens.has(session.accessToken)).toBe(false);
    for (const result of results) {
      expect(result.sessionError).toBeUndefined();
      expect(sessionIsValid(result, now())).toBe(true);
      expect(result.accessTokenExpiresAt).toBeGreaterThan(now() + 10);
    }
    // The new access token works at the provider (userinfo answers for alice).
    const userinfo = await fetch(`${client.issuer}/me`, {
      headers: { authorization: `Bearer ${[...accessTokens][0] ?? ""}` },
    });
    expect(userinfo.status).toBe(200);
    expect(((await userinfo.json()) as { sub: string }).sub).toBe("alice@pilothouse.dev");
  });

  it("ends the session cleanly when the provider has revoked the refresh token", async () => {
    const session = await expiringSession();
    await revokeRefreshToken(client, session.refreshToken ?? "");
    await expect(requestRefresh(session.refreshToken ?? "")).rejects.toThrow(/refused/);
    const expired = { ...session, accessTokenExpiresAt: now() - 1 };
    const ended = await refreshSessionToken(expired);
    expect(ended.sessionError).toBe("RefreshFailed");
    expect(ended.accessToken).toBeUndefined();
    expect(ended.refreshToken).toBeUndefined();
    expect(sessionIsValid(ended, now())).toBe(false);
  });
});
