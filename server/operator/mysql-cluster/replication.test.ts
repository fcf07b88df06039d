import { describe, expect, it } from "vitest";
import { RESTORE_IN_PROGRESS_ANNOTATION } from "@/lib/crds/mysql-restore";
import { harness } from "./fake-cluster-api";

describe("MySQLCluster reconcile: a restore holding the cluster", () => {
  it("keeps the primary read-only while annotated, says why, and opens it once the annotation goes", async () => {
    const { api, fleet, reconcile } = harness();
    api.running(3);
    await reconcile();
    expect(api.condition("ReplicationHealthy")?.reason).toBe("Replicating");

    // The MySQLRestore controller marks the cluster, then stops writes on the primary.
    const annotate = (annotations: Record<string, string>) => {
      const stored = api.cluster;
      if (!stored) throw new Error("no cluster");
      const metadata: Record<string, unknown> = { ...stored.metadata, annotations };
      api.cluster = { ...stored, metadata };
    };
    annotate({ [RESTORE_IN_PROGRESS_ANNOTATION]: "into-orders" });
    fleet.server("orders-0").readOnly = true;
    // A replica that lost its source meanwhile is still repointed.
    fleet.server("orders-2").source = undefined;
    fleet.server("orders-2").readOnly = true;
    fleet.calls.length = 0;
    for (let probe = 0; probe < 3; probe++) await reconcile();
    expect(fleet.server("orders-0").readOnly).toBe(true);
    expect(fleet.calls.some((c) => c.startsWith("open"))).toBe(false);
    expect(fleet.calls).toContain("repoint orders-2 -> orders-0");
    expect(fleet.server("orders-2").source).toBe("orders-0");
    expect(api.condition("ReplicationHealthy")).toMatchObject({
      status: "False",
      reason: "RestoreInProgress",
    });
    expect(api.condition("ReplicationHealthy")).toMatchObject({
      message: expect.stringMatching(/MySQLRestore into-orders/) as unknown,
    });

    // The restore ends: the annotation goes, and the next probe opens the primary again.
    annotate({});
    fleet.calls.length = 0;
    await reconcile();
    expect(fleet.calls).toContain("open orders-0");
    expect(fleet.server("orders-0").readOnly).toBe(false);
    expect(api.condition("ReplicationHealthy")).toMatchObject({
      status: "True",
      reason: "Replicating",
    });
  });
});
