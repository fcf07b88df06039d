import { describe, expect, it } from "vitest";
import type { BackupPhase, MySQLBackupStatus } from "@/lib/crds/mysql-backup";
import { backupChoices } from "./backup-choices";

/** A MySQLBackup as the API lists it; its status typed by the CRD, so field names cannot drift. */
const backup = (name: string, phase: BackupPhase | undefined, completedAt?: string) => ({
  metadata: { name, creationTimestamp: "2026-11-01T00:00:00Z" },
  spec: { clusterName: "orders", storageName: "main" },
  status: phase ? ({ phase, completedAt } satisfies MySQLBackupStatus) : undefined,
});

describe("backupChoices", () => {
  it("lists the newest first with cluster and phase, and refuses a failed backup", () => {
    const choices = backupChoices([
      backup("old", "Succeeded", "2026-11-02T00:00:00Z"),
      backup("broken", "Failed", "2026-11-04T00:00:00Z"),
      backup("new", "Succeeded", "2026-11-03T00:00:00Z"),
      backup("queued", undefined),
    ]);
    expect(choices.map((c) => c.name)).toEqual(["broken", "new", "old", "queued"]);
    expect(choices[1]?.label).toBe("new — orders, Succeeded, completed 2026-11-03T00:00:00Z");
    expect(choices[0]?.refused).toBe("Failed backups cannot be restored");
    // A backup not finished yet may be chosen: the operator waits for it.
    expect(choices[3]).toEqual({ name: "queued", label: "queued — orders, Pending" });
  });
});
