import { describe, expect, it } from "vitest";
import type { MySQLClusterStatus } from "@/lib/crds/mysql-cluster";
import type { ProbeResult } from "@/server/mysql";
import { downProbe, primaryProbe, replicaProbe } from "./replication-fixtures";
import type { ReplicationView } from "./replication-status";
import { computeStatus } from "./status";
import { transitionEvents } from "./status-events";
import { aCluster, aStatefulSet, pods } from "./test-fixtures";

const now = new Date("2026-03-01T12:00:00Z");
const later = new Date("2026-03-01T12:00:20Z");
const semiSync = { enabled: true, active: true };

function view(probes: ProbeResult[], extra: Partial<ReplicationView> = {}): ReplicationView {
  return { primary: "orders-0", probes, pods: pods(3), refusals: [], ...extra };
}

function statusOf(replication: ReplicationView, previous?: MySQLClusterStatus, at = now) {
  return computeStatus({
    cluster: { ...aCluster(), ...(previous ? { status: previous } : {}) },
    statefulSet: aStatefulSet({ replicas: 3, ready: 3 }),
    pods: pods(3),
    replication,
    now: at,
  });
}

function condition(status: MySQLClusterStatus, type: string) {
  return status.conditions?.find((c) => c.type === type);
}

const healthy = view([
  primaryProbe(0, { gtid: "0-10-42", semiSyncSource: semiSync }),
  replicaProbe(1, 0, { gtid: "0-10-42" }),
  replicaProbe(2, 0, { gtid: "0-10-40", replication: { secondsBehindSource: 3 } }),
]);

describe("status from probes", () => {
  it("healthy: Ready, ReplicationHealthy, not Degraded; roles, lag and the primary's GTID set", () => {
    const status = statusOf(healthy);
    expect(status).toMatchObject({ phase: "Ready", primary: "orders-0", primaryGtid: "0-10-42" });
    expect(status.instances).toEqual([
      {
        name: "orders-0",
        role: "primary",
        ready: true,
        reachable: true,
        readOnly: false,
        gtidExecuted: "0-10-42",
      },
      {
        name: "orders-1",
        role: "replica",
        ready: true,
        reachable: true,
        readOnly: true,
        replicationLagSeconds: 0,
        gtidExecuted: "0-10-42",
      },
      {
        name: "orders-2",
        role: "replica",
        ready: true,
        reachable: true,
        readOnly: true,
        replicationLagSeconds: 3,
        gtidExecuted: "0-10-40",
      },
    ]);
    expect(condition(status, "ReplicationHealthy")).toMatchObject({
      status: "True",
      reason: "Replicating",
      message: "2 replica(s) replicate from orders-0; lag at most 3 s.",
    });
    expect(condition(status, "Degraded")).toMatchObject({ status: "False", reason: "Healthy" });
  });

  it("primary unreachable: not Ready, Degraded, and the time it was first seen down is kept", () => {
    const down = view([downProbe(0), replicaProbe(1, 0), replicaProbe(2, 0)], {
      failover: { reason: "PrimaryUnreachable", message: "orders-0 has been unreachable for 0 s" },
    });
    const first = statusOf(down, statusOf(healthy));
    expect(first.phase).toBe("Degraded");
    expect(first.primaryGtid).toBe("0-10-42"); // the last known set, for the failover
    expect(condition(first, "Ready")).toMatchObject({
      status: "False",
      reason: "PrimaryUnavailable",
    });
    expect(condition(first, "Ready")?.message).toContain(
      "primary orders-0 is unreachable: connect ECONNREFUSED",
    );
    expect(condition(first, "ReplicationHealthy")).toMatchObject({
      status: "False",
      reason: "PrimaryUnreachable",
    });
    expect(first.instances?.[0]).toMatchObject({
      reachable: false,
      unreachableSince: "2026-03-01T12:00:00.000Z",
    });
    const second = statusOf(down, first, later);
    expect(second.instances?.[0]?.unreachableSince).toBe("2026-03-01T12:00:00.000Z");
    expect(transitionEvents(statusOf(healthy), first).map((e) => `${e.type}/${e.reason}`)).toEqual([
      "Warning/NotReady",
      "Warning/PrimaryUnreachable",
    ]);
  });

  it("a failover refused for errant transactions says so in ReplicationHealthy", () => {
    const refused = view([downProbe(0), replicaProbe(1, 0), replicaProbe(2, 0)], {
      failover: {
        reason: "ErrantTransactions",
        message: "failover refused: orders-1 has errant transactions 0-11-1",
      },
    });
    const status = statusOf(refused);
    expect(condition(status, "ReplicationHealthy")).toMatchObject({
      status: "False",
      reason: "ErrantTransactions",
    });
    expect(status.primary).toBe("orders-0");
  });

  it("a replica fenced for errant transactions keeps the mark while its GTID set is unchanged", () => {
    const fencedProbe = primaryProbe(2, { readOnly: true, gtid: "0-10-42,1-12-3" });
    const withRefusal = view(
      [primaryProbe(0, { semiSyncSource: semiSync }), replicaProbe(1, 0), fencedProbe],
      {
        refusals: [
          {
            name: "orders-2",
            ok: false,
            reason: "errant-transactions",
            message: "orders-2 has transactions 1-12-3 that orders-0 has not; left read-only",
            errantGtids: "1-12-3",
          },
        ],
      },
    );
    const first = statusOf(withRefusal);
    expect(first.instances?.[2]).toMatchObject({
      role: "unknown",
      readOnly: true,
      errantTransactions: "1-12-3",
    });
    expect(condition(first, "ReplicationHealthy")).toMatchObject({
      status: "False",
      reason: "ErrantTransactions",
    });
    expect(condition(first, "Degraded")?.status).toBe("True");
    const next = statusOf({ ...withRefusal, refusals: [] }, first, later);
    expect(next.instances?.[2]?.errantTransactions).toBe("1-12-3");
  });

  it("semi-sync fallen back to asynchronous: still Ready and replicating, but Degraded", () => {
    const asyncView = view([
      primaryProbe(0, { semiSyncSource: { enabled: true, active: false } }),
      replicaProbe(1, 0),
      replicaProbe(2, 0),
    ]);
    const status = statusOf(asyncView, statusOf(healthy));
    expect(status.phase).toBe("Degraded");
    expect(condition(status, "Ready")?.status).toBe("True");
    expect(condition(status, "ReplicationHealthy")?.status).toBe("True");
    expect(condition(status, "Degraded")).toMatchObject({
      status: "True",
      reason: "SemiSyncAsynchronous",
    });
    expect(transitionEvents(statusOf(healthy), status).map((e) => e.reason)).toEqual([
      "SemiSyncAsynchronous",
    ]);
  });

  it("a replica with a replication error is not a replica (out of the Service) and breaks ReplicationHealthy", () => {
    const broken = view([
      primaryProbe(0, { semiSyncSource: semiSync }),
      replicaProbe(1, 0),
      replicaProbe(2, 0, {
        replication: { sqlThread: "stopped", lastSqlError: "Could not execute Write_rows" },
      }),
    ]);
    const status = statusOf(broken);
    expect(status.instances?.[2]).toMatchObject({
      role: "unknown",
      lastError: "Could not execute Write_rows",
    });
    expect(condition(status, "ReplicationHealthy")).toMatchObject({
      status: "False",
      reason: "ReplicationBroken",
      message: "orders-2: Could not execute Write_rows",
    });
  });

  it("after a failover: the new primary is recorded and the lost one is unreachable", () => {
    const afterFailover = view(
      [downProbe(0), primaryProbe(1, { semiSyncSource: semiSync }), replicaProbe(2, 1)],
      {
        primary: "orders-1",
      },
    );
    const status = statusOf(afterFailover, statusOf(healthy));
    expect(status.primary).toBe("orders-1");
    expect(status.instances?.map((i) => `${i.name}:${i.role}`)).toEqual([
      "orders-0:unknown",
      "orders-1:primary",
      "orders-2:replica",
    ]);
    expect(condition(status, "Ready")?.status).toBe("True");
    expect(condition(status, "ReplicationHealthy")).toMatchObject({
      status: "False",
      reason: "ReplicaUnreachable",
    });
  });

  it("a primary kept read-only by a restore: ReplicationHealthy False with RestoreInProgress, naming it", () => {
    const probes = [
      primaryProbe(0, { readOnly: true, semiSyncSource: semiSync }),
      replicaProbe(1, 0),
      replicaProbe(2, 0),
    ];
    const status = statusOf(view(probes, { writesHeldBy: "into-orders" }), statusOf(healthy));
    expect(condition(status, "ReplicationHealthy")).toMatchObject({
      status: "False",
      reason: "RestoreInProgress",
      message:
        "primary orders-0 is read-only while MySQLRestore into-orders restores into the cluster (pilothouse.dev/restore-in-progress); it takes writes again when the restore succeeds, or when the annotation is removed after a failed restore",
    });
    expect(condition(status, "Degraded")).toMatchObject({
      status: "True",
      reason: "RestoreInProgress",
    });
    expect(condition(status, "Ready")?.status).toBe("False");
    // Without the hold, the same servers are a read-only primary, not a restore.
    expect(condition(statusOf(view(probes)), "ReplicationHealthy")?.reason).toBe("PrimaryReadOnly");
    // Once the restore has opened the primary again, the hold alone is no fault.
    const opened = statusOf(view(healthy.probes.slice(), { writesHeldBy: "into-orders" }));
    expect(condition(opened, "ReplicationHealthy")).toMatchObject({
      status: "True",
      reason: "Replicating",
    });
  });

  it("a restore does not hide a broken replica behind RestoreInProgress", () => {
    const probes = [primaryProbe(0, { readOnly: true }), replicaProbe(1, 0), downProbe(2)];
    const status = statusOf(view(probes, { writesHeldBy: "into-orders" }));
    expect(condition(status, "ReplicationHealthy")?.reason).toBe("ReplicaUnreachable");
  });
});
