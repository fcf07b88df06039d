import { describe, expect, it } from "vitest";
import type { FailoverResult } from "@/server/mysql";
import { decideFailover, refusalReason, unreachableSince } from "./failover";
import { downProbe, replicaProbe } from "./replication-fixtures";

const start = new Date("2026-03-01T12:00:00Z");
const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
const spec = { enabled: true, unreachableSeconds: 30 };
const probes = [downProbe(0), replicaProbe(1, 0), replicaProbe(2, 0)];

describe("decideFailover (fake clock)", () => {
  it("waits until the primary has been unreachable for unreachableSeconds, then fails over", () => {
    const input = { spec, primary: "orders-0", unreachableSince: start, probes };
    expect(decideFailover({ ...input, now: at(0) })).toMatchObject({
      kind: "wait",
      retryInMs: 30_000,
    });
    expect(decideFailover({ ...input, now: at(29.5) })).toMatchObject({
      kind: "wait",
      retryInMs: 500,
    });
    expect(decideFailover({ ...input, now: at(30) })).toMatchObject({ kind: "failover" });
    expect(decideFailover({ ...input, now: at(300) }).message).toContain("unreachable for 300 s");
  });

  it("holds when failover is disabled", () => {
    const decision = decideFailover({
      spec: { ...spec, enabled: false },
      primary: "orders-0",
      unreachableSince: start,
      now: at(60),
      probes,
    });
    expect(decision).toMatchObject({ kind: "hold", reason: "FailoverDisabled" });
  });

  it("holds when no reachable server replicates from the lost primary (operator cut off, or never set up)", () => {
    const decision = decideFailover({
      spec,
      primary: "orders-0",
      unreachableSince: start,
      now: at(60),
      probes: [downProbe(0), downProbe(1), replicaProbe(2, 1)],
    });
    expect(decision).toMatchObject({ kind: "hold", reason: "NoReplicaReachable" });
  });
});

describe("unreachableSince", () => {
  const entry = { name: "orders-0", role: "unknown" as const, ready: true };

  it("keeps the first time a server was seen unreachable, so the delay survives restarts", () => {
    const previous = [{ ...entry, reachable: false, unreachableSince: "2026-03-01T12:00:00Z" }];
    expect(unreachableSince(previous, "orders-0", at(10))).toEqual(start);
  });

  it("starts counting now when the server was reachable last time, or the time is nonsense", () => {
    expect(unreachableSince([{ ...entry, reachable: true }], "orders-0", at(10))).toEqual(at(10));
    const future = [{ ...entry, reachable: false, unreachableSince: "2027-01-01T00:00:00Z" }];
    expect(unreachableSince(future, "orders-0", at(10))).toEqual(at(10));
  });
});

describe("refusalReason", () => {
  it("names errant transactions whenever a replica was refused for them", () => {
    const refused: Extract<FailoverResult, { ok: false }> = {
      ok: false,
      reason: "no-eligible-replica",
      message: "no reachable replica without errant transactions",
      refused: [
        {
          name: "orders-1",
          reason: "errant-transactions",
          message: "orders-1 has 0-11-3",
          errantGtids: "0-11-3",
        },
      ],
    };
    expect(refusalReason(refused)).toBe("ErrantTransactions");
    expect(refusalReason({ ...refused, refused: [], reason: "catch-up-timeout" })).toBe(
      "CatchUpTimeout",
    );
  });
});
