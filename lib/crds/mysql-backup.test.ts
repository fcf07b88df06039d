import { describe, expect, it } from "vitest";
import { MySQLBackupSpecSchema, isFinishedPhase } from "./mysql-backup";
import { MySQLRestoreSpecSchema } from "./mysql-restore";

describe("MySQLBackupSpecSchema", () => {
  it("accepts a backup on demand and one from a schedule", () => {
    expect(
      MySQLBackupSpecSchema.safeParse({ clusterName: "orders", storageName: "main" }).success,
    ).toBe(true);
    expect(
      MySQLBackupSpecSchema.safeParse({
        clusterName: "orders",
        storageName: "main",
        scheduleName: "nightly",
      }).success,
    ).toBe(true);
  });

  it("needs a cluster and a storage", () => {
    expect(MySQLBackupSpecSchema.safeParse({ clusterName: "orders" }).success).toBe(false);
  });

  it("calls Succeeded and Failed finished", () => {
    expect(
      [undefined, "Pending", "Running", "Succeeded", "Failed"].map((p) =>
        isFinishedPhase(p as never),
      ),
    ).toEqual([false, false, false, true, true]);
  });
});

describe("MySQLRestoreSpecSchema", () => {
  it("takes exactly one target", () => {
    const into = (target: unknown) =>
      MySQLRestoreSpecSchema.safeParse({ backupName: "b", target }).success;
    expect(into({ clusterName: "orders" })).toBe(true);
    expect(into({ newCluster: { name: "orders-copy", spec: { storage: { size: "1Gi" } } } })).toBe(
      true,
    );
    expect(into({})).toBe(false);
    expect(
      into({
        clusterName: "orders",
        newCluster: { name: "x", spec: { storage: { size: "1Gi" } } },
      }),
    ).toBe(false);
  });
});
