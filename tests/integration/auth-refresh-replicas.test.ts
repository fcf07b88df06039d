/**
 * Two dashboard replicas behind a proxy without sticky sessions, and an identity provider that
 * rotates refresh tokens on every use: requests of one session racing past the access token's
 * expiry on both replicas must redeem the refresh token once, all get the same new tokens, and
 * the session must go on working. Real parts: the local apiserver (the Lease, written with the
 * dashboard's own ServiceAccount and RBAC from deploy/rbac) and a real oidc-provider with
 * `OIDC_ROTATE_REFRESH_TOKEN=always`.
 *
 * Needs the local platform's env file (`source "$(./pilothouse env)"`).
 */
import { CoordinationV1Api, KubeConfig } from "@kubernetes/client-node";
import type { JWT } from "next-auth/jwt";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signInWithCodeFlow } from "@/platform/oidc/code-flow-client";
import { DEMO_USERS } from "@/platform/oidc/users";
import { RefreshCoordinator, refreshLeaseName } from "@/server/auth/refresh-coordinator";
import {
  DEFAULT_DASHBOARD_NAMESPACE,
  OUTCOME_ANNOTATION,
  kubeRefreshLeaseStoreFromFile,
} from "@/server/auth/refresh-lease-store";
import { RefreshFlights } from "@/server/auth/single-flight";
import {
  RefreshRefusedError,
  refreshSessionToken,
  requestRefresh,
  sessionIsValid,
} from "@/server/auth/tokens";
import { eventually } from "./support/eventually";
import { startRotatingProvider, type RotatingProvider } from "./support/rotating-oidc-provider";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: source the platform's env file`);
  return value;
};
const now = () => Math.floor(Date.now() / 1000);
const alice = DEMO_USERS.find((u) => u.email === "alice@pilothouse.dev");
const HANDOFF_SECONDS = 3;

let provider: RotatingProvider;

beforeAll(async () => {
  provider = await startRotatingProvider(env("OIDC_CLIENT_SECRET"));
  // The dashboard's token endpoint client (requestRefresh) talks to this provider.
  vi.stubEnv("OIDC_ISSUER", provider.client.issuer);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await provider.close();
});

/** How long each waiting replica waited for the holder's outcome, in milliseconds. */
const loserWaits: number[] = [];
const logLines = {
  write(line: string) {
    const entry = JSON.parse(line) as { msg?: string; waitedMs?: number };
    if (entry.msg === "refreshed by another replica" && entry.waitedMs !== undefined)
      loserWaits.push(entry.waitedMs);
  },
};

/** One dashboard replica: its own in-process flights, coordinator identity and kube client. */
function replica(name: string, coordinated = true) {
  const flights = new RefreshFlights();
  const coordinator = new RefreshCoordinator({
    store: kubeRefreshLeaseStoreFromFile(env("PILOTHOUSE_DASHBOARD_KUBECONFIG")),
    redeem: requestRefresh,
    sessionSecret: env("NEXTAUTH_SECRET"),
    log: pino({ level: "debug" }, logLines),
    identity: name,
    timings: { handoffSeconds: HANDOFF_SECONDS },
  });
  const refresh = (refreshToken: string) =>
    flights.run(refreshToken, () =>
      coordinated ? coordinator.refresh(refreshToken) : requestRefresh(refreshToken),
    );
  return {
    /** The proxy's path: refreshSessionToken with this replica's refresh. */
    session: (token: JWT) => refreshSessionToken(token, { now, refresh }),
  };
}

async function expiringSession(): Promise<JWT> {
  if (!alice) throw new Error("no demo user alice");
  const tokens = await signInWithCodeFlow(provider.client, alice);
  expect(tokens.refresh_token).toBeTruthy();
  return {
    sub: alice.email,
    email: alice.email,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    // As if the access token were about to expire: both replicas must refresh it now.
    accessTokenExpiresAt: now() + 2,
  };
}

describe("token refresh across two dashboard replicas", () => {
  it("redeems once for 16 requests racing on two replicas; the session goes on", async () => {
    const [a, b] = [replica("replica-a"), replica("replica-b")];
    const before = { ...provider.refreshes };
    let session = await expiringSession();
    let results: JWT[] = [];
    let redeemed = "";
    // Cold (discovery, first apiserver connections), then warm rounds for the figures.
    const rounds = ["cold", "warm 1", "warm 2", "warm 3", "warm 4", "warm 5"];
    for (const round of rounds) {
      const done: Record<string, number[]> = { a: [], b: [] };
      const started = performance.now();
      const current = session;
      redeemed = current.refreshToken ?? "";
      results = await Promise.all(
        Array.from({ length: 16 }, async (_, i) => {
          const result = await (i % 2 ? b : a).session(current);
          done[i % 2 ? "b" : "a"]?.push(performance.now() - started);
          return result;
        }),
      );
      const accessTokens = new Set(results.map((r) => r.accessToken));
      expect(accessTokens.size).toBe(1);
      expect(accessTokens.has(current.accessToken)).toBe(false);
      const refreshTokens = new Set(results.map((r) => r.refreshToken));
      expect(refreshTokens.size).toBe(1);
      expect(refreshTokens.has(current.refreshToken)).toBe(false);
      for (const result of results) expect(sessionIsValid(result, now())).toBe(true);
      const ms = (values: number[] = []) => `${Math.max(...values).toFixed(0)} ms`;
      console.log(
        `${round} race, 8 requests per replica: a done in ${ms(done.a)}, b in ${ms(done.b)}`,
      );
      session = { ...(results[0] ?? current), accessTokenExpiresAt: now() + 2 };
    }
    // Exactly one token request per race reached the provider, none refused.
    expect(provider.refreshes.granted - before.granted).toBe(rounds.length);
    // One replica waited in each round (its 8 requests share its one wait).
    expect(loserWaits).toHaveLength(rounds.length);
    console.log(`waiting replica's wait per round: ${loserWaits.join(", ")} ms`);
    expect(provider.refreshes.refused - before.refused).toBe(0);

    // The outcome handed over on the Lease is encrypted: no token in clear text.
    const admin = new KubeConfig();
    admin.loadFromFile(env("KUBECONFIG"));
    const leases = admin.makeApiClient(CoordinationV1Api);
    const name = refreshLeaseName(redeemed);
    const lease = await leases.readNamespacedLease({
      name,
      namespace: DEFAULT_DASHBOARD_NAMESPACE,
    });
    const handoff = lease.metadata?.annotations?.[OUTCOME_ANNOTATION] ?? "";
    expect(handoff.split(".")).toHaveLength(5);
    expect(JSON.stringify(lease)).not.toContain(results[0]?.accessToken ?? "?");
    expect(JSON.stringify(lease)).not.toContain(results[0]?.refreshToken ?? "?");

    // The session is still usable: the new refresh token is good at the provider.
    const next = await requestRefresh(results[0]?.refreshToken ?? "");
    expect(next.accessToken).toBeTruthy();
    expect(provider.refreshes.granted - before.granted).toBe(rounds.length + 1);

    // The holder deletes the Lease after the handoff time.
    await eventually(
      "the holder to delete the refresh Lease",
      () =>
        leases
          .readNamespacedLease({ name, namespace: DEFAULT_DASHBOARD_NAMESPACE })
          .then(() => undefined)
          .catch(() => true),
      { timeoutMs: (HANDOFF_SECONDS + 5) * 1000 },
    );
  });

  it("a late request with the old cookie on the other replica gets the same tokens", async () => {
    const session = await expiringSession();
    const [a, b] = [replica("replica-a"), replica("replica-b")];
    const before = { ...provider.refreshes };
    const first = await a.session(session);
    const late = await b.session(session);
    expect(late.accessToken).toBe(first.accessToken);
    expect(provider.refreshes.granted - before.granted).toBe(1);
    expect(provider.refreshes.refused - before.refused).toBe(0);
  });

  it("without the shared Lease the same race ends the session (the provider sees a reuse)", async () => {
    const session = await expiringSession();
    const [a, b] = [replica("replica-a", false), replica("replica-b", false)];
    const before = { ...provider.refreshes };
    const first = await a.session(session);
    expect(sessionIsValid(first, now())).toBe(true);
    // The same session's next request lands on replica b with the old cookie.
    const second = await b.session(session);
    expect(provider.refreshes.refused - before.refused).toBe(1);
    expect(second.sessionError).toBe("RefreshFailed");
    // Replay detection revoked the grant: replica a's new refresh token is dead too.
    await expect(requestRefresh(first.refreshToken ?? "")).rejects.toBeInstanceOf(
      RefreshRefusedError,
    );
  });
});
