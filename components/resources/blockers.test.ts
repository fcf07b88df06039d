import { describe, expect, it } from "vitest";
import {
  blockersOf,
  conditionGenerationText,
  failureOf,
  generationText,
  progressOf,
  specPending,
} from "./blockers";
import { isStopped, type Resource } from "./model";

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

  it("says a failed topic failed, with its reason, instead of 'spec not yet applied'", () => {
    const topic: Resource = {
      apiVersion: "kafka.pilothouse.dev/v1alpha1",
      kind: "KafkaTopic",
      metadata: { name: "orders", namespace: "demo", generation: 1 },
      spec: { clusterName: "events" },
      status: {
        phase: "Failed",
        conditions: [cond("Ready", "False", "ClusterNotFound", "KafkaCluster events not found")],
      },
    };
    expect(blockersOf(topic).map((b) => b.title)).toEqual(["Ready=False: ClusterNotFound"]);
    expect(generationText(topic)).toBe(
      "1 — failed: ClusterNotFound: KafkaCluster events not found",
    );
  });

  it("says 'not yet applied' before any condition or while observedGeneration is behind", () => {
    const fresh: Resource = { ...base, metadata: { ...base.metadata, generation: 1 }, status: {} };
    expect(blockersOf(fresh).map((b) => b.title)).toEqual(["Spec not yet applied"]);
    expect(generationText(fresh)).toBe("1 — spec not yet applied (observed none)");
    expect(generationText(base)).toBe("2 (applied)");
  });

  it("treats a cluster stopped on purpose as neutral, not as a fault", () => {
    const stopped: Resource = {
      ...base,
      spec: { stopped: true },
      status: {
        observedGeneration: 2,
        phase: "Stopped",
        primary: "trydb-0",
        conditions: [
          cond("Ready", "False", "Stopped", "the cluster is stopped"),
          cond("Stopped", "True", "StoppedBySpec"),
        ],
      },
    };
    expect(isStopped(stopped)).toBe(true);
    expect(blockersOf(stopped)).toEqual([]);
    expect(generationText(stopped)).toBe("2 (applied)");
    expect(isStopped({ ...stopped, spec: {} })).toBe(false);
  });

  it("says a stop the operator has not carried out yet is waiting, and why", () => {
    const stopping: Resource = {
      ...base,
      spec: { stopped: true },
      status: {
        observedGeneration: 2,
        phase: "Ready",
        conditions: [
          cond("Ready", "True", "AllServersReady"),
          cond("Stopped", "False", "WaitingForBackup", "MySQLBackup b1 is running"),
        ],
      },
    };
    expect(blockersOf(stopping)).toEqual([
      {
        title: "Stop requested, not done yet: WaitingForBackup",
        detail: "MySQLBackup b1 is running",
      },
    ]);
    expect(generationText(stopping)).toBe(
      "2 — stop not done yet: WaitingForBackup: MySQLBackup b1 is running",
    );
  });

  it("does not call a finished run's spec pending, whatever conditions it carries", () => {
    const run: Resource = {
      ...base,
      kind: "MySQLBackup",
      metadata: { ...base.metadata, generation: 1 },
      spec: { clusterName: "orders", storageName: "main" },
      status: { phase: "Succeeded" },
    };
    expect(specPending(run)).toBe(false);
    expect(specPending({ ...run, status: {} })).toBe(true);
  });
});

describe("failureOf and progressOf", () => {
  const provisioning: Resource = {
    ...base,
    status: {
      observedGeneration: 2,
      conditions: [
        cond("Ready", "False", "ServersNotReady", "1/3 servers ready"),
        cond("Progressing", "True", "ScalingUp", "creating orders-2"),
      ],
    },
  };

  it("does not call a cluster still provisioning failed: it is in progress", () => {
    expect(failureOf(provisioning)).toBeUndefined();
    expect(progressOf(provisioning)).toBe("ScalingUp: creating orders-2");
    expect(generationText(provisioning)).toBe(
      "2 (applied) — in progress: ScalingUp: creating orders-2",
    );
  });

  it("calls Progressing=False or Degraded=True a failure, with that condition's reason", () => {
    const deadline: Resource = {
      ...provisioning,
      status: {
        observedGeneration: 2,
        conditions: [
          cond("Ready", "False", "ServersNotReady"),
          cond("Progressing", "False", "ProgressDeadlineExceeded", "no progress in 600 s"),
        ],
      },
    };
    expect(failureOf(deadline)).toBe("ProgressDeadlineExceeded: no progress in 600 s");
    expect(progressOf(deadline)).toBeUndefined();
    expect(generationText(deadline)).toBe(
      "2 — failed: ProgressDeadlineExceeded: no progress in 600 s",
    );
    const degraded: Resource = {
      ...base,
      status: {
        observedGeneration: 2,
        conditions: [cond("Ready", "True", "AllReady"), cond("Degraded", "True", "ReplicaLagging")],
      },
    };
    expect(failureOf(degraded)).toBe("ReplicaLagging");
  });

  it("does not call Ready=False alone a failure", () => {
    const notReady: Resource = {
      ...base,
      status: { observedGeneration: 2, conditions: [cond("Ready", "False", "ServersNotReady")] },
    };
    expect(failureOf(notReady)).toBeUndefined();
    // Nor "applied": the operator has seen the spec, but it is not in effect.
    expect(generationText(notReady)).toBe("2 — seen by the operator, not Ready: ServersNotReady");
  });
});

describe("conditionGenerationText", () => {
  it("labels a condition of an older generation neutrally, not as 'spec not yet applied'", () => {
    expect(conditionGenerationText(2, 3)).toBe("computed for generation 2 (current 3)");
    expect(conditionGenerationText(3, 3)).toBe("3");
    expect(conditionGenerationText(undefined, 3)).toBe("—");
    expect(conditionGenerationText(2, undefined)).toBe("2");
  });
});
