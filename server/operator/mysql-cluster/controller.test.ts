import { describe, expect, it } from "vitest";
import { KubeApiError } from "../runtime/kube-api-error";
import { harness } from "./fake-cluster-api";
import { aCluster } from "./test-fixtures";

describe("MySQLCluster reconcile: objects", () => {
  it("does nothing for a cluster that no longer exists", async () => {
    const { api, reconcile } = harness();
    api.cluster = undefined;
    await expect(reconcile()).resolves.toBeUndefined();
    expect(api.applied).toEqual([]);
    expect(api.secrets.size).toBe(0);
  });

  it("applies the owned objects again only on a new generation or after the reapply interval", async () => {
    const { api, clock, reconcile } = harness();
    api.running(3);
    await reconcile();
    await reconcile();
    expect(api.applied.filter((o) => o.kind === "StatefulSet")).toHaveLength(1);
    const cluster = api.cluster as { metadata: { generation: number } };
    cluster.metadata.generation = 2;
    await reconcile();
    expect(api.applied.filter((o) => o.kind === "StatefulSet")).toHaveLength(2);
    clock.ms += 300_000;
    await reconcile();
    expect(api.applied.filter((o) => o.kind === "StatefulSet")).toHaveLength(3);
  });

  it("creates the Secret once with both passwords, applies the owned objects, and writes status", async () => {
    const { api, reconcile } = harness();
    await reconcile();
    await reconcile();
    expect(api.secrets.get("orders-credentials")?.stringData).toEqual({
      "root-password": "password-1",
      "replication-password": "password-2",
    });
    expect(api.applied.slice(0, 5).map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      "ConfigMap/orders-config",
      "Service/orders-headless",
      "Service/orders-primary",
      "Service/orders-replicas",
      "StatefulSet/orders",
    ]);
    expect(api.status?.phase).toBe("Provisioning");
    expect(api.statusWrites).toBe(1);
  });

  it("adds a missing replication password to an existing Secret, once, keeping the root password", async () => {
    const { api, reconcile } = harness();
    api.secrets.set("orders-credentials", { stringData: { "root-password": "given" } });
    await reconcile();
    await reconcile();
    expect(api.secrets.get("orders-credentials")?.stringData).toEqual({
      "root-password": "given",
      "replication-password": "password-1",
    });
  });

  it("turns an invalid owned object (422) into ApplyFailed instead of retrying", async () => {
    const { api, reconcile } = harness();
    api.applyError = new KubeApiError(
      422,
      "Invalid",
      "spec: Forbidden: updates to statefulset spec",
      {
        kind: "StatefulSet",
        name: "orders",
      },
    );
    await expect(reconcile()).resolves.toBeUndefined();
    expect(api.status?.phase).toBe("Failed");
    expect(JSON.stringify(api.status)).toContain("StatefulSet orders was refused (422 Invalid)");
    expect(api.events.map((e) => e.reason)).toEqual(["ApplyFailed"]);
  });

  it("throws errors that a retry may fix, so the queue backs off", async () => {
    const { api, reconcile } = harness();
    api.applyError = new KubeApiError(503, "ServiceUnavailable", "etcd leader changed", {
      kind: "Service",
    });
    await expect(reconcile()).rejects.toThrow("etcd leader changed");
    expect(api.statusWrites).toBe(0);
  });

  it("asks to be requeued when the status write conflicts (409)", async () => {
    const { api, reconcile } = harness();
    api.conflictOnce = true;
    await expect(reconcile()).resolves.toEqual({ requeueAfterMs: 250 });
    expect(api.statusWrites).toBe(0);
    await reconcile();
    expect(api.statusWrites).toBe(1);
  });

  it("acts only on clusters of its own operator shard, and leaves deleted ones alone", async () => {
    const labelled = harness(
      aCluster({}, { labels: { "pilothouse.dev/operator-shard": "canary" } }),
    );
    await labelled.reconcile();
    expect(labelled.api.applied).toEqual([]);
    const deleting = harness(aCluster({}, { deletionTimestamp: "2026-03-01T11:59:00Z" }));
    await deleting.reconcile();
    expect(deleting.api.applied).toEqual([]);
    expect(deleting.api.statusWrites).toBe(0);
  });
});
