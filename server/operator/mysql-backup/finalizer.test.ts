import { beforeEach, describe, expect, it } from "vitest";
import { BACKUP_OBJECT_FINALIZER, type MySQLBackup } from "@/lib/crds/mysql-backup";
import { BackupError, BackupErrorCode } from "@/server/backup/errors";
import { mysqlBackupReconciler } from "./controller";
import { FakeBackupApi, FakeStore, SHA, aBackup, aCluster, silentLogger } from "./test-fixtures";

const KEY = "shop/orders-manual";
const location = {
  bucket: "backups",
  key: "prod/shop/orders/orders-manual.sql.gz",
  url: "s3://backups/prod/shop/orders/orders-manual.sql.gz",
};

let api: FakeBackupApi;
let store: FakeStore;
let reconcile: (key: string) => Promise<unknown>;

/** A Succeeded backup whose deletion was requested. */
function deletingBackup(
  status: MySQLBackup["status"] = { phase: "Succeeded", location, sizeBytes: 1, sha256: SHA },
): MySQLBackup {
  const base = aBackup();
  return aBackup({
    metadata: {
      ...base.metadata,
      deletionTimestamp: "2026-01-02T00:00:00Z",
      finalizers: [BACKUP_OBJECT_FINALIZER],
    },
    status,
  });
}

beforeEach(() => {
  api = new FakeBackupApi();
  store = new FakeStore();
  api.put(aCluster());
  reconcile = mysqlBackupReconciler({
    api,
    store,
    job: { image: "img", workingDir: "/app", activeDeadlineSeconds: 60 },
    logger: silentLogger,
    now: () => new Date("2026-01-02T00:00:01Z"),
  });
});

describe("MySQLBackup finalizer", () => {
  it("deletes the stored object with the storage's credentials, then lets the backup go", async () => {
    api.put(deletingBackup());
    await reconcile(KEY);
    expect(store.calls).toMatchObject([
      {
        op: "delete",
        name: location.url,
        storage: { bucket: "backups", credentials: { accessKeyId: "AK" } },
      },
    ]);
    expect(api.backups.size).toBe(0);
    expect(api.events.map((e) => e.reason)).toEqual(["ObjectDeleted"]);
  });

  it("lets a backup that never wrote anything go at once", async () => {
    api.put(deletingBackup({ phase: "Failed", error: { code: "ClusterNotFound", message: "x" } }));
    await reconcile(KEY);
    expect(store.calls).toEqual([]);
    expect(api.backups.size).toBe(0);
  });

  it("stops a running Job before deleting anything", async () => {
    api.put(deletingBackup({ phase: "Running", jobName: "orders-manual-backup", location }));
    api.jobs.set("shop/orders-manual-backup", { metadata: { name: "orders-manual-backup" } });
    expect(await reconcile(KEY)).toEqual({ requeueAfterMs: 2_000 });
    expect(api.jobs.size).toBe(0);
    expect(store.calls).toEqual([]);
    await reconcile(KEY);
    expect(api.backups.size).toBe(0);
  });

  it.each([
    [
      "S3 refuses",
      () =>
        (store.deleteError = new BackupError(
          BackupErrorCode.AuthFailed,
          "S3 denied access (AccessDenied)",
        )),
      /S3 denied access \(AccessDenied\)/,
    ],
    ["the cluster is gone", () => api.clusters.clear(), /MySQLCluster shop\/orders does not exist/],
  ])(
    "when %s, keeps the finalizer and says why in a condition and an Event",
    async (_what, breakIt, why) => {
      breakIt();
      api.put(deletingBackup());
      expect(await reconcile(KEY)).toEqual({ requeueAfterMs: 60_000 });
      const backup = api.backup("orders-manual");
      expect(backup.metadata.finalizers).toEqual([BACKUP_OBJECT_FINALIZER]);
      const condition = backup.status?.conditions?.find((c) => c.type === "ObjectDeleted");
      expect(condition).toMatchObject({ status: "False", reason: "ObjectDeletionBlocked" });
      expect(condition?.message).toMatch(why);
      expect(condition?.message).toContain(`remove the finalizer ${BACKUP_OBJECT_FINALIZER}`);
      expect(api.events).toMatchObject([{ type: "Warning", reason: "DeletionBlocked" }]);
      expect(backup.status?.phase).toBe("Succeeded");
      await reconcile(KEY);
      expect(api.events).toHaveLength(1);
    },
  );
});
