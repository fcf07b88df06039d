import type { V1StatefulSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { harness } from "./fake-cluster-api";
import { aCluster } from "./test-fixtures";

describe("MySQLCluster reconcile: replication", () => {
  it("bootstraps replication from ordinal 0, labels the pods, is Ready, and polls every probe interval", async () => {
    const { api, fleet, reconcile } = harness();
    api.running(3);
    await expect(reconcile()).resolves.toEqual({ requeueAfterMs: 5_000 });
    expect(fleet.calls).toContain("setupReplication orders-0 <- orders-1,orders-2");
    expect(api.roles()).toEqual({
      "orders-0": "primary",
      "orders-1": "replica",
      "orders-2": "replica",
    });
    expect(api.status).toMatchObject({
      phase: "Ready",
      primary: "orders-0",
      observedGeneration: 1,
    });
    expect(api.condition("ReplicationHealthy")).toMatchObject({
      status: "True",
      reason: "Replicating",
    });
    expect(api.events.map((e) => e.reason)).toEqual(["Ready"]);
    fleet.calls.length = 0;
    await reconcile();
    expect(fleet.calls).toEqual(["probeAll"]); // healthy: probes only, no action
  });

  it("does nothing on the servers while paused or stopped", async () => {
    const paused = harness(
      aCluster(
        { replicas: 5 },
        { generation: 2, annotations: { "pilothouse.dev/reconcile": "paused" } },
      ),
    );
    paused.api.running(3);
    await paused.reconcile();
    expect(paused.fleet.calls).toEqual([]);
    expect(paused.api.applied).toEqual([]);
    expect(paused.api.status?.phase).toBe("Paused");
    const stopped = harness(aCluster({ stopped: true }));
    await stopped.reconcile();
    expect(stopped.fleet.calls).toEqual([]);
    const sts = stopped.api.applied.find((o) => o.kind === "StatefulSet") as V1StatefulSet;
    expect(sts.spec?.replicas).toBe(0);
    expect(stopped.api.status?.phase).toBe("Stopped");
  });

  it("fails over only after unreachableSeconds, records it, moves the labels, and warns", async () => {
    const { api, fleet, clock, reconcile } = harness();
    api.running(3);
    await reconcile();
    fleet.server("orders-0").up = false;
    clock.ms += 1_000;
    const waiting = await reconcile();
    expect(waiting?.requeueAfterMs).toBe(5_000);
    expect(fleet.calls.some((c) => c.startsWith("failover"))).toBe(false);
    expect(api.condition("ReplicationHealthy")).toMatchObject({
      status: "False",
      reason: "PrimaryUnreachable",
    });
    clock.ms += 27_500; // 27.5 s after the first failed probe: 2.5 s to go
    expect(await reconcile()).toEqual({ requeueAfterMs: 2_500 });
    clock.ms += 2_500;
    await reconcile();
    expect(fleet.calls).toContain("failover orders-0");
    expect(api.status).toMatchObject({
      primary: "orders-1",
      lastFailover: { from: "orders-0", to: "orders-1" },
    });
    expect(api.roles()).toEqual({ "orders-0": "-", "orders-1": "primary", "orders-2": "replica" });
    expect(api.events.find((e) => e.reason === "FailedOver")).toMatchObject({ type: "Warning" });
    // The old primary returns: it is repointed to the new primary and labelled a replica.
    fleet.server("orders-0").up = true;
    fleet.calls.length = 0;
    await reconcile();
    expect(fleet.calls).toContain("repoint orders-0 -> orders-1");
    expect(api.roles()["orders-0"]).toBe("replica");
    expect(api.condition("ReplicationHealthy")?.status).toBe("True");
  });

  it("says ErrantTransactions when failover is refused, and keeps the primary", async () => {
    const { api, fleet, clock, reconcile } = harness(
      aCluster({ failover: { unreachableSeconds: 5 } }),
    );
    api.running(3);
    await reconcile();
    fleet.failoverAnswer = () => ({
      ok: false,
      reason: "no-eligible-replica",
      message: "no reachable replica without errant transactions",
      refused: ["orders-1", "orders-2"].map((name) => ({
        name,
        reason: "errant-transactions" as const,
        message: `${name} has errant transactions 0-11-1`,
        errantGtids: "0-11-1",
      })),
    });
    fleet.server("orders-0").up = false;
    await reconcile();
    clock.ms += 6_000;
    await reconcile();
    expect(api.status?.primary).toBe("orders-0");
    expect(api.condition("ReplicationHealthy")).toMatchObject({
      status: "False",
      reason: "ErrantTransactions",
    });
    expect(api.events.map((e) => e.reason)).toContain("ErrantTransactions");
  });

  it("switches over on the annotation, removes it, records it and emits an Event", async () => {
    const { api, fleet, reconcile } = harness();
    api.running(3);
    await reconcile();
    const metadata = api.cluster?.metadata as { annotations?: Record<string, string> };
    metadata.annotations = { "pilothouse.dev/switchover-to": "orders-2" };
    await reconcile();
    expect(fleet.calls).toContain("switchover orders-0 -> orders-2");
    const annotations = (api.cluster?.metadata as { annotations?: Record<string, string> })
      .annotations;
    expect(annotations?.["pilothouse.dev/switchover-to"]).toBeUndefined();
    expect(api.status).toMatchObject({
      primary: "orders-2",
      lastSwitchover: { outcome: "Succeeded" },
    });
    expect(api.roles()).toEqual({
      "orders-0": "replica",
      "orders-1": "replica",
      "orders-2": "primary",
    });
    expect(api.events.map((e) => e.reason)).toContain("SwitchedOver");
  });

  it("refuses a switchover to a pod that is not a server, and says why", async () => {
    const { api, fleet, reconcile } = harness(
      aCluster({}, { annotations: { "pilothouse.dev/switchover-to": "orders-7" } }),
    );
    api.running(3);
    await reconcile();
    expect(fleet.calls.some((c) => c.startsWith("switchover"))).toBe(false);
    expect(api.status?.lastSwitchover).toMatchObject({ outcome: "Refused" });
    expect(api.status?.lastSwitchover?.message).toContain(
      "orders-7 is not a server of this cluster",
    );
    expect(api.events.find((e) => e.reason === "SwitchoverRefused")).toMatchObject({
      type: "Warning",
    });
  });
});
