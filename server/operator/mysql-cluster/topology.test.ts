import { describe, expect, it } from "vitest";
import type { MySQLInstanceStatus } from "@/lib/crds/mysql-replication";
import { downProbe, primaryProbe, replicaProbe } from "./replication-fixtures";
import { convergencePlan, decidePrimary, followersOf } from "./topology";

describe("decidePrimary", () => {
  it("keeps the recorded primary when it replicates from nobody", () => {
    const probes = [primaryProbe(0), replicaProbe(1, 0), replicaProbe(2, 0)];
    expect(decidePrimary("orders-0", probes)).toMatchObject({
      kind: "reachable",
      primary: { name: "orders-0" },
      adopted: false,
    });
  });

  it("keeps the record on a new cluster where nobody replicates yet", () => {
    const probes = [primaryProbe(0), primaryProbe(1), primaryProbe(2)];
    expect(decidePrimary("orders-0", probes)).toMatchObject({ adopted: false });
  });

  it("reports an unreachable recorded primary instead of picking another one", () => {
    const probes = [downProbe(0), replicaProbe(1, 0), replicaProbe(2, 0)];
    expect(decidePrimary("orders-0", probes)).toEqual({ kind: "unreachable", primary: "orders-0" });
  });

  it("adopts the writable server the others follow when the record is unreachable (lost status write)", () => {
    const probes = [downProbe(0), primaryProbe(1), replicaProbe(2, 1)];
    expect(decidePrimary("orders-0", probes)).toMatchObject({
      kind: "reachable",
      primary: { name: "orders-1" },
      adopted: true,
    });
  });

  it("adopts the source of a recorded primary that became its replica (interrupted switchover)", () => {
    const probes = [replicaProbe(0, 1), primaryProbe(1, { readOnly: true }), replicaProbe(2, 1)];
    expect(decidePrimary("orders-0", probes)).toMatchObject({
      primary: { name: "orders-1" },
      adopted: true,
    });
  });

  it("adopts the followed primary over a returned old primary without followers", () => {
    const probes = [primaryProbe(0), primaryProbe(1), replicaProbe(2, 1)];
    expect(decidePrimary("orders-0", probes)).toMatchObject({ primary: { name: "orders-1" } });
  });

  it("refuses to guess when two writable servers both have followers", () => {
    const probes = [primaryProbe(0), replicaProbe(1, 0), primaryProbe(2), replicaProbe(3, 2)];
    expect(decidePrimary("orders-0", probes).kind).toBe("conflict");
  });
});

describe("convergencePlan", () => {
  const none: MySQLInstanceStatus[] = [];

  it("bootstraps a new cluster: every other server is configured through setupReplication", () => {
    const primary = primaryProbe(0);
    const plan = convergencePlan(primary, [primary, primaryProbe(1), primaryProbe(2)], none, true);
    expect(plan).toEqual({
      configure: ["orders-1", "orders-2"],
      bootstrap: true,
      fence: [],
      openPrimary: false,
    });
  });

  it("changes nothing on a healthy cluster", () => {
    const primary = primaryProbe(0, { semiSyncSource: { enabled: true, active: true } });
    const plan = convergencePlan(
      primary,
      [primary, replicaProbe(1, 0), replicaProbe(2, 0)],
      none,
      true,
    );
    expect(plan).toEqual({ configure: [], bootstrap: false, fence: [], openPrimary: false });
  });

  it("repoints a returned old primary, restarts quietly stopped threads, fences a writable replica", () => {
    const primary = primaryProbe(1, { semiSyncSource: { enabled: true, active: true } });
    const probes = [
      primaryProbe(0),
      primary,
      replicaProbe(2, 1, { replication: { ioThread: "stopped" } }),
      replicaProbe(3, 1, { readOnly: false }),
    ];
    expect(convergencePlan(primary, probes, none, true)).toEqual({
      configure: ["orders-0", "orders-2"],
      bootstrap: false,
      fence: ["orders-3"],
      openPrimary: false,
    });
  });

  it("reconfigures a replica that does not acknowledge semi-sync, and opens a read-only primary", () => {
    const primary = primaryProbe(0, { readOnly: true });
    const probes = [primary, replicaProbe(1, 0, { replicaAck: false })];
    expect(convergencePlan(primary, probes, none, true)).toMatchObject({
      configure: ["orders-1"],
      openPrimary: true,
    });
  });

  it("leaves a replica with a replication error alone (reported, not restarted)", () => {
    const primary = primaryProbe(0, { semiSyncSource: { enabled: true, active: true } });
    const broken = replicaProbe(1, 0, {
      replication: { sqlThread: "stopped", lastSqlError: "Duplicate entry '1' for key 'PRIMARY'" },
    });
    expect(convergencePlan(primary, [primary, broken], none, true).configure).toEqual([]);
  });

  it("leaves a server fenced for errant transactions alone until its GTID set changes", () => {
    const primary = primaryProbe(1, { semiSyncSource: { enabled: true, active: true } });
    const fenced = primaryProbe(0, { readOnly: true, gtid: "0-10-7" });
    const previous: MySQLInstanceStatus[] = [
      {
        name: "orders-0",
        role: "unknown",
        ready: true,
        reachable: true,
        gtidExecuted: "0-10-7",
        errantTransactions: "0-10-7",
      },
    ];
    const probes = [fenced, primary, replicaProbe(2, 1)];
    expect(convergencePlan(primary, probes, previous, true).configure).toEqual([]);
    const rebuilt = primaryProbe(0, { gtid: "" });
    expect(convergencePlan(primary, [rebuilt, primary], previous, true).configure).toEqual([
      "orders-0",
    ]);
  });

  it("turns semi-sync off on a single server (no replica could acknowledge)", () => {
    const primary = primaryProbe(0, { semiSyncSource: { enabled: true, active: false } });
    expect(convergencePlan(primary, [primary], none, true).openPrimary).toBe(true);
  });

  describe("while a restore holds writes", () => {
    it("keeps a read-only primary read-only, and opens it again once the hold ends", () => {
      const primary = primaryProbe(0, { readOnly: true });
      const probes = [primary, replicaProbe(1, 0), replicaProbe(2, 0)];
      expect(convergencePlan(primary, probes, none, true, true)).toEqual({
        configure: [],
        bootstrap: false,
        fence: [],
        openPrimary: false,
      });
      expect(convergencePlan(primary, probes, none, true, false).openPrimary).toBe(true);
    });

    it("does not touch semi-sync on the primary (opening is what sets it)", () => {
      const primary = primaryProbe(0, { readOnly: true });
      const alone = primaryProbe(0, {
        readOnly: true,
        semiSyncSource: { enabled: true, active: false },
      });
      expect(convergencePlan(primary, [primary, replicaProbe(1, 0)], none, true, true)).toEqual(
        expect.objectContaining({ openPrimary: false }),
      );
      expect(convergencePlan(alone, [alone], none, true, true).openPrimary).toBe(false);
    });

    it("keeps replication converging: repoints a stray replica and fences a writable one", () => {
      const primary = primaryProbe(0, { readOnly: true });
      const stray = replicaProbe(2, 1);
      const writable = replicaProbe(1, 0, { readOnly: false });
      const plan = convergencePlan(primary, [primary, writable, stray], none, true, true);
      expect(plan).toEqual({
        configure: ["orders-2"],
        bootstrap: false,
        fence: ["orders-1"],
        openPrimary: false,
      });
    });

    it("defers a bootstrap (setupReplication opens the primary) until the hold ends", () => {
      const primary = primaryProbe(0, { readOnly: true });
      const probes = [primary, primaryProbe(1), primaryProbe(2)];
      expect(convergencePlan(primary, probes, none, true, true)).toEqual({
        configure: [],
        bootstrap: false,
        fence: [],
        openPrimary: false,
      });
      expect(convergencePlan(primary, probes, none, true, false)).toMatchObject({
        configure: ["orders-1", "orders-2"],
        bootstrap: true,
      });
    });
  });
});

describe("followersOf", () => {
  it("matches replicas by their source address, not by name", () => {
    const primary = primaryProbe(0);
    const probes = [primary, replicaProbe(1, 0), replicaProbe(2, 1), downProbe(3)];
    expect(followersOf(primary, probes).map((p) => p.name)).toEqual(["orders-1"]);
  });
});
