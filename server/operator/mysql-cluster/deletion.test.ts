import { describe, expect, it } from "vitest";
import { MYSQL_CLUSTER_FINALIZER, type MySQLClusterSpecInput } from "@/lib/crds/mysql-cluster";
import { harness } from "./fake-cluster-api";
import { aCluster } from "./test-fixtures";

const storage = {
  name: "main",
  s3: { bucket: "backups", region: "us-east-1", credentialsSecretRef: { name: "keys" } },
};

/** A cluster the user deleted: it carries the finalizer, and its servers and volumes exist. */
function deleted(spec: Partial<MySQLClusterSpecInput>) {
  const h = harness(
    aCluster(spec, {
      deletionTimestamp: "2026-03-01T11:59:00Z",
      finalizers: [MYSQL_CLUSTER_FINALIZER],
    }),
  );
  h.api.running(2);
  h.api.claims = ["data-orders-0", "data-orders-1"];
  h.api.secrets.set("orders-credentials", { stringData: { "root-password": "x" } });
  return h;
}

const finalBackup = "orders-final-5f1c0a8e";

describe("MySQLCluster deletion finalizer", () => {
  it("adds the finalizer to a live cluster before anything else happens to it", async () => {
    const { api, reconcile } = harness();
    await reconcile();
    expect((api.cluster?.metadata as { finalizers?: string[] }).finalizers).toEqual([
      MYSQL_CLUSTER_FINALIZER,
    ]);
    expect(api.statusWrites).toBe(1);
  });

  it("Retain: releases the Secret, keeps the volumes, and lets the cluster go", async () => {
    const { api, reconcile } = deleted({ deletionPolicy: "Retain" });
    await reconcile();
    expect(api.cluster).toBeUndefined();
    expect(api.deleted).toEqual(["released Secret/orders-credentials"]);
    expect(api.claims).toEqual(["data-orders-0", "data-orders-1"]);
    expect(api.events.map((e) => e.reason)).toEqual(["DataRetained"]);
    expect(api.events[0]?.message).toContain("kept data-orders-0, data-orders-1");
  });

  it("Delete: stops the servers first, then deletes the volumes and the Secret", async () => {
    const { api, reconcile } = deleted({ deletionPolicy: "Delete" });
    await expect(reconcile()).resolves.toEqual({ requeueAfterMs: 2_000 });
    expect(api.deleted).toEqual(["StatefulSet/orders"]);
    expect(api.status?.phase).toBe("Deleting");
    expect(api.condition("Deleting")).toMatchObject({ status: "True", reason: "DeletingServers" });
    api.pods = [];
    await reconcile();
    expect(api.cluster).toBeUndefined();
    expect(api.claims).toEqual([]);
    expect(api.deleted).toEqual(
      expect.arrayContaining([
        "PersistentVolumeClaim/data-orders-0",
        "PersistentVolumeClaim/data-orders-1",
        "Secret/orders-credentials",
      ]),
    );
    expect(api.events.map((e) => e.reason)).toEqual(["DataDeleted"]);
  });

  it("BackupThenDelete: takes a final backup, waits for it, then deletes the data", async () => {
    const { api, reconcile } = deleted({
      deletionPolicy: "BackupThenDelete",
      backup: { storages: [storage] },
    });
    await expect(reconcile()).resolves.toEqual({ requeueAfterMs: 30_000 });
    const created = api.backups.get(finalBackup) as {
      spec: unknown;
      metadata: { labels: Record<string, string> };
    };
    expect(created.spec).toEqual({ clusterName: "orders", storageName: "main" });
    expect(created.metadata.labels).toEqual({ "mysql.pilothouse.dev/cluster": "orders" });
    expect(api.condition("Deleting")).toMatchObject({ reason: "WaitingForFinalBackup" });
    expect(api.deleted).toEqual([]);
    api.backups.set(finalBackup, { ...created, status: { phase: "Succeeded" } });
    api.pods = [];
    await reconcile();
    expect(api.cluster).toBeUndefined();
    expect(api.claims).toEqual([]);
    expect(api.events.map((e) => e.reason)).toEqual(["FinalBackupStarted", "DataDeleted"]);
  });

  it("BackupThenDelete: a failed final backup blocks with a condition and one Warning, not silently", async () => {
    const { api, reconcile } = deleted({
      deletionPolicy: "BackupThenDelete",
      backup: { storages: [storage] },
    });
    await reconcile();
    const created = api.backups.get(finalBackup) ?? {};
    api.backups.set(finalBackup, {
      ...created,
      status: {
        phase: "Failed",
        error: { code: "CredentialsNotFound", message: "no Secret keys" },
      },
    });
    await expect(reconcile()).resolves.toBeUndefined();
    await reconcile();
    expect(api.cluster).toBeDefined();
    expect(api.deleted).toEqual([]);
    const deleting = api.condition("Deleting") as { status: string; reason: string };
    expect(deleting).toMatchObject({ status: "False", reason: "FinalBackupFailed" });
    const warnings = api.events.filter((e) => e.type === "Warning");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(
      /final MySQLBackup orders-final-5f1c0a8e failed \(CredentialsNotFound: no Secret keys\).*set spec.deletionPolicy to Delete.*Retain/,
    );
  });

  it("BackupThenDelete of a stopped cluster blocks at once instead of starting a backup doomed to fail", async () => {
    const { api, reconcile } = deleted({
      deletionPolicy: "BackupThenDelete",
      backup: { storages: [storage] },
      stopped: true,
    });
    await reconcile();
    expect(api.backups.size).toBe(0);
    expect(api.condition("Deleting")).toMatchObject({
      status: "False",
      reason: "FinalBackupFailed",
    });
    expect(api.events.map((e) => e.reason)).toEqual(["FinalBackupFailed"]);
    expect(api.deleted).toEqual([]);
  });

  it("does not finalize a paused cluster, and says why", async () => {
    const { api, reconcile } = deleted({ deletionPolicy: "Delete" });
    const metadata = api.cluster?.metadata as { annotations?: Record<string, string> };
    metadata.annotations = { "pilothouse.dev/reconcile": "paused" };
    await reconcile();
    expect(api.deleted).toEqual([]);
    expect(api.condition("Deleting")).toMatchObject({ status: "False", reason: "ReconcilePaused" });
  });
});
