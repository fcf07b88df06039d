import { describe, expect, it } from "vitest";
import { RESTORE_IN_PROGRESS_ANNOTATION } from "@/lib/crds/mysql-restore";
import { SWITCHOVER_ANNOTATION } from "@/lib/crds/mysql-replication";
import { harness } from "./fake-cluster-api";
import { aCluster } from "./test-fixtures";

type Harness = ReturnType<typeof harness>;

/** Sets the cluster's annotations (as the restore controller and a user would). */
function annotate({ api }: Harness, annotations: Record<string, string>) {
  const stored = api.cluster;
  if (!stored) throw new Error("no cluster");
  const metadata: Record<string, unknown> = { ...stored.metadata, annotations };
  api.cluster = { ...stored, metadata };
}

/** A running 3-server cluster held by MySQLRestore `into-orders`, its primary read-only. */
async function heldCluster(h: Harness) {
  h.api.running(3);
  await h.reconcile();
  annotate(h, { [RESTORE_IN_PROGRESS_ANNOTATION]: "into-orders" });
  h.fleet.server("orders-0").readOnly = true;
  await h.reconcile();
  h.fleet.calls.length = 0;
}

describe("MySQLCluster reconcile: failover and switchover while a restore holds the cluster", () => {
  it("fails over to a read-only primary, says so, and opens it only once the hold ends", async () => {
    const h = harness(aCluster({ failover: { unreachableSeconds: 5 } }));
    const { api, fleet, clock, reconcile } = h;
    await heldCluster(h);
    fleet.server("orders-0").up = false;
    await reconcile();
    clock.ms += 6_000;
    await reconcile();
    expect(fleet.calls).toContain("failover orders-0");
    expect(api.status?.primary).toBe("orders-1");
    expect(fleet.server("orders-1").readOnly).toBe(true);
    expect(api.events.find((e) => e.reason === "FailedOver")?.message).toMatch(
      /orders-1 stays read-only while MySQLRestore into-orders holds the cluster/,
    );
    // The old primary returns: it is repointed, and later probes keep the new primary read-only.
    fleet.server("orders-0").up = true;
    for (let probe = 0; probe < 3; probe++) await reconcile();
    expect(fleet.server("orders-0").source).toBe("orders-1");
    expect(api.condition("ReplicationHealthy")).toMatchObject({
      status: "False",
      reason: "RestoreInProgress",
    });
    expect(fleet.calls.some((c) => c.startsWith("open"))).toBe(false);
    expect(fleet.server("orders-1").readOnly).toBe(true);

    annotate(h, {});
    await reconcile();
    expect(fleet.calls).toContain("open orders-1");
    expect(fleet.server("orders-1").readOnly).toBe(false);
    expect(api.condition("ReplicationHealthy")?.status).toBe("True");
  });

  it("switches over to a read-only primary while held, and records why it is read-only", async () => {
    const h = harness();
    const { api, fleet, reconcile } = h;
    await heldCluster(h);
    annotate(h, {
      [RESTORE_IN_PROGRESS_ANNOTATION]: "into-orders",
      [SWITCHOVER_ANNOTATION]: "orders-2",
    });
    await reconcile();
    expect(fleet.calls).toContain("switchover orders-0 -> orders-2");
    expect(api.status).toMatchObject({
      primary: "orders-2",
      lastSwitchover: { outcome: "Succeeded" },
    });
    expect(fleet.server("orders-2").readOnly).toBe(true);
    expect(fleet.server("orders-0").readOnly).toBe(true);
    expect(api.status?.lastSwitchover?.message).toMatch(/orders-2 stays read-only/);
    expect(api.condition("ReplicationHealthy")?.reason).toBe("RestoreInProgress");
    await reconcile();
    expect(fleet.calls.some((c) => c.startsWith("open"))).toBe(false);

    annotate(h, {});
    await reconcile();
    expect(fleet.calls).toContain("open orders-2");
    expect(fleet.server("orders-2").readOnly).toBe(false);
  });

  it("opens the new primary at once when nothing holds the cluster", async () => {
    const h = harness();
    const { fleet, reconcile } = h;
    h.api.running(3);
    await reconcile();
    annotate(h, { [SWITCHOVER_ANNOTATION]: "orders-1" });
    await reconcile();
    expect(fleet.server("orders-1").readOnly).toBe(false);
    expect(h.api.status?.lastSwitchover?.message).not.toMatch(/read-only/);
  });
});
