import { pino } from "pino";
import { describe, expect, it } from "vitest";
import {
  LeaderElector,
  leaseAction,
  type Clock,
  type LeaseRecord,
  type LeaseStore,
} from "./leader-election";

const logger = pino({ level: "silent" });

/** A clock that moves only when told; sleeping promises resolve as time passes them. */
class FakeClock implements Clock {
  ms = 0;
  private timers: { at: number; resolve: () => void }[] = [];

  now() {
    return this.ms;
  }

  sleep(ms: number, signal: AbortSignal) {
    return new Promise<void>((resolve) => {
      const timer = { at: this.ms + ms, resolve };
      this.timers.push(timer);
      signal.addEventListener(
        "abort",
        () => {
          this.timers = this.timers.filter((t) => t !== timer);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Moves time forward by `ms`, waking sleepers in order and letting them run. */
  async advance(ms: number) {
    const end = this.ms + ms;
    for (;;) {
      await flush();
      const next = [...this.timers].sort((a, b) => a.at - b.at)[0];
      if (!next || next.at > end) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.ms = next.at;
      next.resolve();
    }
    this.ms = end;
    await flush();
  }
}

async function flush() {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** One Lease in memory, with the apiserver's optimistic concurrency (409 on a stale write). */
class FakeLease {
  record: LeaseRecord | undefined;
  private version = 0;

  /** The store as one process sees it; `down()` makes its calls fail (network partition). */
  client() {
    let down = false;
    const guard = () => {
      if (down) throw new Error("connection refused");
    };
    const store: LeaseStore & { down(value: boolean): void } = {
      down: (value) => {
        down = value;
      },
      get: () => Promise.resolve().then(() => (guard(), this.record && { ...this.record })),
      create: (record) =>
        Promise.resolve().then(() => {
          guard();
          if (this.record) throw new Error("409 AlreadyExists");
          return this.write(record);
        }),
      update: (record) =>
        Promise.resolve().then(() => {
          guard();
          if (record.resourceVersion !== this.record?.resourceVersion)
            throw new Error("409 Conflict");
          return this.write(record);
        }),
    };
    return store;
  }

  private write(record: LeaseRecord) {
    this.record = { ...record, resourceVersion: String(++this.version) };
    return { ...this.record };
  }
}

function candidate(identity: string, lease: FakeLease, clock: FakeClock) {
  const store = lease.client();
  const elector = new LeaderElector({
    identity,
    store,
    leaseDurationSeconds: 15,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    clock,
    logger,
  });
  const log: string[] = [];
  const stop = new AbortController();
  const done = elector.lead(
    stop.signal,
    () => log.push(`${clock.now()} ${identity} started`),
    () => log.push(`${clock.now()} ${identity} stopped`),
  );
  return { elector, store, log, stop, done };
}

describe("leaseAction", () => {
  const held: LeaseRecord = {
    holderIdentity: "a",
    leaseDurationSeconds: 15,
    acquireTime: undefined,
    renewTime: undefined,
    leaseTransitions: 0,
  };
  it("creates, renews its own, waits for a live holder, takes over an expired or released one", () => {
    expect(leaseAction(undefined, "b", 0, 0)).toBe("create");
    expect(leaseAction(held, "a", 0, 0)).toBe("renew");
    expect(leaseAction(held, "b", 1_000, 15_999)).toBe("wait");
    expect(leaseAction(held, "b", 1_000, 16_000)).toBe("takeover");
    expect(leaseAction({ ...held, holderIdentity: undefined }, "b", 1_000, 1_000)).toBe("takeover");
  });
});

describe("LeaderElector (fake clock)", () => {
  it("lets one candidate lead; the other takes over only a lease duration after renewals stop", async () => {
    const clock = new FakeClock();
    const lease = new FakeLease();
    const a = candidate("a", lease, clock);
    await clock.advance(0);
    const b = candidate("b", lease, clock);
    await clock.advance(60_000);
    expect(a.log).toEqual(["0 a started"]);
    expect(b.log).toEqual([]);
    expect(b.elector.isLeader()).toBe(false);
    // a dies without releasing (SIGKILL): its renewals stop at 60 s.
    a.stop.abort();
    await a.done;
    await clock.advance(14_000);
    expect(b.log).toEqual([]);
    await clock.advance(4_000);
    expect(b.log).toHaveLength(1);
    const takeover = Number(b.log[0]?.split(" ")[0]);
    expect(takeover).toBeGreaterThanOrEqual(60_000 + 15_000);
    expect(takeover).toBeLessThanOrEqual(60_000 + 15_000 + 2_000);
    expect(lease.record).toMatchObject({ holderIdentity: "b", leaseTransitions: 1 });
    b.stop.abort();
  });

  it("a leader cut off from the apiserver stops leading before anyone else may start", async () => {
    const clock = new FakeClock();
    const lease = new FakeLease();
    const a = candidate("a", lease, clock);
    await clock.advance(0);
    const b = candidate("b", lease, clock);
    await clock.advance(10_000);
    a.store.down(true);
    await clock.advance(30_000);
    const [stopped] = a.log.filter((line) => line.endsWith("stopped"));
    const [started] = b.log;
    expect(stopped).toBeDefined();
    expect(started).toBeDefined();
    expect(Number(stopped?.split(" ")[0])).toBeLessThan(Number(started?.split(" ")[0]));
    await a.done;
    b.stop.abort();
  });

  it("hands over at once after a clean release", async () => {
    const clock = new FakeClock();
    const lease = new FakeLease();
    const a = candidate("a", lease, clock);
    await clock.advance(0);
    const b = candidate("b", lease, clock);
    await clock.advance(5_000);
    a.stop.abort();
    await a.done;
    await a.elector.release();
    await clock.advance(2_000);
    // Released at 5 s: b's next attempt (every 2 s) wins, not one a lease duration later.
    expect(b.log).toEqual(["6000 b started"]);
    b.stop.abort();
  });

  it("still releases when a renewal in flight moved the Lease on before the release (409 retried)", async () => {
    const clock = new FakeClock();
    const lease = new FakeLease();
    const a = candidate("a", lease, clock);
    await clock.advance(0);
    const b = candidate("b", lease, clock);
    await clock.advance(5_000);
    a.stop.abort();
    await a.done;
    // A renewal of a's that was still on the wire lands now: a's own record is one version behind.
    const other = lease.client();
    const current = await other.get();
    if (!current) throw new Error("no lease");
    await other.update({ ...current, renewTime: new Date() });
    await a.elector.release();
    await clock.advance(2_000);
    expect(b.log).toEqual(["6000 b started"]);
    b.stop.abort();
  });

  it("never lets two candidates win the same lease (writes carry the resourceVersion read)", async () => {
    const clock = new FakeClock();
    const lease = new FakeLease();
    const many = ["a", "b", "c", "d"].map((id) => candidate(id, lease, clock));
    await clock.advance(30_000);
    const leaders = many.filter((c) => c.elector.isLeader());
    expect(leaders).toHaveLength(1);
    for (const c of many) c.stop.abort();
  });
});
