import pino from "pino";
import { describe, expect, it } from "vitest";
import {
  REFUSED,
  RefreshCoordinationTimeoutError,
  RefreshCoordinator,
  refreshLeaseName,
  type RefreshLease,
  type RefreshLeaseStore,
} from "./refresh-coordinator";
import { RefreshRefusedError, type RefreshedTokens } from "./refresh-result";

const SECRET = "a-session-secret-of-at-least-32-characters";
const FAST = { pollInitialMs: 5, pollMaxMs: 20, maxWaitMs: 2_000, handoffSeconds: 0.2 };

/** The apiserver's Lease semantics in memory: AlreadyExists, resourceVersion preconditions. */
class MemoryLeaseStore implements RefreshLeaseStore {
  readonly leases = new Map<string, RefreshLease>();
  private version = 0;
  unreachable = false;

  private check() {
    if (this.unreachable) return Promise.reject(new Error("connect ECONNREFUSED"));
    return Promise.resolve();
  }
  async create(name: string, holderIdentity: string) {
    await this.check();
    if (this.leases.has(name)) return undefined;
    const lease = { name, holderIdentity, resourceVersion: String(++this.version) };
    this.leases.set(name, lease);
    return { ...lease };
  }
  async get(name: string) {
    await this.check();
    const lease = this.leases.get(name);
    return lease && { ...lease };
  }
  async update(lease: RefreshLease) {
    await this.check();
    if (this.leases.get(lease.name)?.resourceVersion !== lease.resourceVersion) return undefined;
    const next = { ...lease, resourceVersion: String(++this.version) };
    this.leases.set(lease.name, next);
    return { ...next };
  }
  async delete(name: string, resourceVersion: string) {
    await this.check();
    if (this.leases.get(name)?.resourceVersion === resourceVersion) this.leases.delete(name);
  }
  async sweep() {
    await this.check();
    return 0;
  }
}

/** A provider that rotates on every use: the second redemption of a token is refused. */
function rotatingProvider(delayMs = 30) {
  const used = new Set<string>();
  let issued = 0;
  const redeem = async (refreshToken: string): Promise<RefreshedTokens> => {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (used.has(refreshToken)) throw new RefreshRefusedError("invalid_grant");
    used.add(refreshToken);
    issued += 1;
    return { accessToken: `at-${issued}`, refreshToken: `rt-${issued}`, expiresAt: 2e9 };
  };
  return { redeem, issued: () => issued };
}

function capture() {
  const lines: string[] = [];
  const log = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
  return { log, lines };
}

describe("RefreshCoordinator", () => {
  it("redeems once for racing replicas; every replica gets the same tokens", async () => {
    const store = new MemoryLeaseStore();
    const provider = rotatingProvider();
    let calls = 0;
    const redeem = (rt: string) => {
      calls += 1;
      return provider.redeem(rt);
    };
    const { log } = capture();
    const replicas = [1, 2, 3].map(
      () => new RefreshCoordinator({ store, redeem, sessionSecret: SECRET, log, timings: FAST }),
    );
    const results = await Promise.all(replicas.map((r) => r.refresh("rt-0")));
    expect(calls).toBe(1);
    expect(new Set(results.map((r) => r.accessToken))).toEqual(new Set(["at-1"]));
    expect(results.every((r) => r.refreshToken === "rt-1")).toBe(true);
    // The outcome on the Lease is sealed, then the Lease is deleted after the handoff time.
    const lease = store.leases.get(refreshLeaseName("rt-0"));
    expect(lease?.outcome).toMatch(/^ey/);
    expect(lease?.outcome).not.toContain("at-1");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(store.leases.size).toBe(0);
  });

  it("shares a refusal: every replica ends the session, the token is redeemed once", async () => {
    const store = new MemoryLeaseStore();
    let calls = 0;
    const redeem = () => {
      calls += 1;
      return Promise.reject(new RefreshRefusedError("invalid_grant"));
    };
    const { log } = capture();
    const [a, b] = [1, 2].map(
      () => new RefreshCoordinator({ store, redeem, sessionSecret: SECRET, log, timings: FAST }),
    );
    const outcomes = await Promise.allSettled([a?.refresh("rt-x"), b?.refresh("rt-x")]);
    expect(calls).toBe(1);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe("rejected");
      if (outcome.status === "rejected") expect(outcome.reason).toBeInstanceOf(RefreshRefusedError);
    }
    expect(store.leases.get(refreshLeaseName("rt-x"))?.outcome).toBe(REFUSED);
  });

  it("releases the Lease on a transient failure so that a waiting replica redeems", async () => {
    const store = new MemoryLeaseStore();
    let calls = 0;
    const redeem = async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (calls === 1) throw new Error("token endpoint unreachable");
      return { accessToken: "at-2", refreshToken: "rt-2", expiresAt: 2e9 };
    };
    const { log } = capture();
    const [a, b] = [1, 2].map(
      () => new RefreshCoordinator({ store, redeem, sessionSecret: SECRET, log, timings: FAST }),
    );
    const [first, second] = await Promise.allSettled([a?.refresh("rt-1"), b?.refresh("rt-1")]);
    expect(first?.status).toBe("rejected");
    expect(second).toMatchObject({ status: "fulfilled", value: { accessToken: "at-2" } });
    expect(calls).toBe(2);
  });

  it("takes over a Lease whose holder died before publishing", async () => {
    const store = new MemoryLeaseStore();
    await store.create(refreshLeaseName("rt-1"), "dead-replica");
    const provider = rotatingProvider(1);
    const { log, lines } = capture();
    const replica = new RefreshCoordinator({
      store,
      redeem: provider.redeem,
      sessionSecret: SECRET,
      log,
      timings: { ...FAST, leaseSeconds: 0.1 },
    });
    const started = Date.now();
    expect(await replica.refresh("rt-1")).toMatchObject({ accessToken: "at-1" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(lines.join("")).toContain("took over a lost refresh");
  });

  it("gives up after maxWaitMs with a timeout, not a refusal, and never redeems", async () => {
    const store = new MemoryLeaseStore();
    await store.create(refreshLeaseName("rt-1"), "slow-replica");
    let calls = 0;
    const { log } = capture();
    const replica = new RefreshCoordinator({
      store,
      redeem: () => {
        calls += 1;
        return Promise.reject(new Error("unexpected"));
      },
      sessionSecret: SECRET,
      log,
      timings: { ...FAST, maxWaitMs: 150 },
    });
    await expect(replica.refresh("rt-1")).rejects.toBeInstanceOf(RefreshCoordinationTimeoutError);
    expect(calls).toBe(0);
  });

  it("falls back to redeeming locally, with a warning, when the store is unreachable", async () => {
    const store = new MemoryLeaseStore();
    store.unreachable = true;
    const provider = rotatingProvider(1);
    const { log, lines } = capture();
    const replica = new RefreshCoordinator({
      store,
      redeem: provider.redeem,
      sessionSecret: SECRET,
      log,
      timings: FAST,
    });
    expect(await replica.refresh("rt-1")).toMatchObject({ accessToken: "at-1" });
    expect(lines.join("")).toContain("coordination store unreachable");
  });

  it("refuses to use a handoff sealed with another secret (misconfigured replicas)", async () => {
    const store = new MemoryLeaseStore();
    const provider = rotatingProvider(1);
    const { log } = capture();
    const a = new RefreshCoordinator({
      store,
      redeem: provider.redeem,
      sessionSecret: SECRET,
      log,
      timings: FAST,
    });
    await a.refresh("rt-1");
    const b = new RefreshCoordinator({
      store,
      redeem: provider.redeem,
      sessionSecret: `${SECRET}-other`,
      log,
      timings: FAST,
    });
    await expect(b.refresh("rt-1")).rejects.toThrow(/NEXTAUTH_SECRET/);
    expect(provider.issued()).toBe(1);
  });

  it("deletes a stale Lease and redeems again (a provider that does not rotate)", async () => {
    const store = new MemoryLeaseStore();
    let calls = 0;
    // The same refresh token comes back: its next refresh reuses the Lease name.
    const redeem = () => {
      calls += 1;
      const expiresAt = Math.floor(Date.now() / 1000) + 5;
      return Promise.resolve({ accessToken: `at-${calls}`, expiresAt });
    };
    const { log } = capture();
    const timings = { ...FAST, handoffSeconds: 60 };
    const a = new RefreshCoordinator({ store, redeem, sessionSecret: SECRET, log, timings });
    const b = new RefreshCoordinator({ store, redeem, sessionSecret: SECRET, log, timings });
    expect(await a.refresh("rt-stays")).toMatchObject({ accessToken: "at-1" });
    // at-1 has 5 s left, less than minTokenLifetimeSeconds: b must not take it over.
    expect(await b.refresh("rt-stays")).toMatchObject({ accessToken: "at-2" });
    expect(calls).toBe(2);
    expect(store.leases.get(refreshLeaseName("rt-stays"))?.holderIdentity).toBe(b.identity);
  });
});
