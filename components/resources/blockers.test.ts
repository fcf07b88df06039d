import { describe, expect, it } from "vitest";
import { blockersOf } from "./blockers";
import type { Resource } from "./model";

const cond = (
  type: string,
  status: "True" | "False" | "Unknown",
  reason: string,
  message = "",
) => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: "2026-01-01T00:00:00Z",
});

const base: Resource = {
  apiVersion: "mysql.pilothouse.dev/v1alpha1",
  kind: "MySQLCluster",
  metadata: { name: "orders", namespace: "demo", generation: 2 },
  spec: {},
  status: { observedGeneration: 2, conditions: [cond("Ready", "True", "AllReady")] },
};

describe("blockersOf", () => {
  it("is empty for a healthy object whose spec is applied", () => {
    expect(blockersOf(base)).toEqual([]);
  });

  it("names the finalizer a deletion waits for and the Deleting condition's reason", () => {
    const deleting: Resource = {
      ...base,
      metadata: {
        ...base.metadata,
        deletionTimestamp: "2026-01-01T00:00:00Z",
        finalizers: ["mysql.pilothouse.dev/deletion-policy"],
      },
      status: {
        observedGeneration: 2,
        conditions: [
          cond("Deleting", "True", "FinalBackupFailed", "the final backup failed: S3 AccessDenied"),
        ],
      },
    };
    expect(blockersOf(deleting)[0]).toEqual({
      title: "Deletion waits for finalizer mysql.pilothouse.dev/deletion-policy",
      detail: "FinalBackupFailed: the final backup failed: S3 AccessDenied",
    });
  });

  it("reports a paused reconcile, a spec not yet applied and conditions in their bad state", () => {
    const stuck: Resource = {
      ...base,
      metadata: {
        ...base.metadata,
        generation: 3,
        annotations: { "pilothouse.dev/reconcile": "paused" },
      },
      status: {
        observedGeneration: 2,
        conditions: [
          cond("Degraded", "True", "ReplicaLagging", "orders-2 lags 300 s"),
          cond("BackupHealthy", "False", "LastBackupFailed"),
        ],
      },
    };
    expect(blockersOf(stuck).map((b) => b.title)).toEqual([
      "Reconcile is paused",
      "Spec not yet applied",
      "Degraded=True: ReplicaLagging",
      "BackupHealthy=False: LastBackupFailed",
    ]);
  });
});
