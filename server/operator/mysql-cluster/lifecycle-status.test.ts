import { describe, expect, it } from "vitest";
import { MySQLBackupSchema } from "@/lib/crds/mysql-backup";
import { RESTORE_IN_PROGRESS_ANNOTATION } from "@/lib/crds/mysql-restore";
import { harness } from "./fake-cluster-api";
import { stopHold } from "./lifecycle-status";
import { aCluster } from "./test-fixtures";

function running(name: string) {
  return MySQLBackupSchema.parse({
    apiVersion: "mysql.pilothouse.dev/v1alpha1",
    kind: "MySQLBackup",
    metadata: { name, namespace: "shop" },
    spec: { clusterName: "orders", storageName: "main" },
    status: { phase: "Running" },
  });
}

describe("stop during a backup or restore", () => {
  it("holds a stop while a backup runs or a restore writes, naming it, and never otherwise", () => {
    expect(stopHold(aCluster({ stopped: false }), ["b1"])).toBeUndefined();
    expect(stopHold(aCluster({ stopped: true }), [])).toBeUndefined();
    expect(stopHold(aCluster({ stopped: true }), ["b1", "b2"])).toMatchObject({
      reason: "WaitingForBackup",
      message: expect.stringContaining("MySQLBackup b1, b2 is running") as unknown,
    });
    const restoring = aCluster(
      { stopped: true },
      { annotations: { [RESTORE_IN_PROGRESS_ANNOTATION]: "r1" } },
    );
    expect(stopHold(restoring, ["b1"])?.reason).toBe("WaitingForRestore");
    const alreadyStopped = aCluster({ stopped: true });
    alreadyStopped.status = { phase: "Stopped" };
    expect(stopHold(alreadyStopped, ["b1"])).toBeUndefined();
  });

  it("keeps the servers running while held, with Stopped=False and one Event, then stops", async () => {
    const { api, reconcile } = harness(aCluster({ stopped: true }));
    api.running(3);
    api.backups.set("nightly-1", running("nightly-1"));
    await reconcile();
    const sts = api.applied.filter((o) => o.kind === "StatefulSet").at(-1) as {
      spec: { replicas: number };
    };
    expect(sts.spec.replicas).toBe(3);
    expect(api.condition("Stopped")).toMatchObject({ status: "False", reason: "WaitingForBackup" });
    await reconcile();
    expect(api.events.filter((e) => e.reason === "WaitingForBackup")).toHaveLength(1);
    api.backups.clear();
    await reconcile();
    const after = api.applied.filter((o) => o.kind === "StatefulSet").at(-1) as {
      spec: { replicas: number };
    };
    expect(after.spec.replicas).toBe(0);
    expect(api.condition("Stopped")).toMatchObject({ status: "False", reason: "Stopping" });
  });
});
