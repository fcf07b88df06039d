import { describe, expect, it } from "vitest";
import { HEALTH_TEXT, healthOf, lastSwitchoverOf } from "./health";
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

/** A MySQLCluster of 3 servers, all Ready, generation 2 applied, replication verified. */
const healthy: Resource = {
  apiVersion: "mysql.pilothouse.dev/v1alpha1",
  kind: "MySQLCluster",
  metadata: { name: "orders", namespace: "demo", generation: 2 },
  spec: { replicas: 3 },
  status: {
    observedGeneration: 2,
    readyReplicas: 3,
    conditions: [
      cond("Ready", "True", "ServersReady"),
      cond("Progressing", "False", "Applied"),
      cond("Degraded", "False", "InSync"),
      cond("ReplicationHealthy", "True", "ReplicasRunning"),
    ],
  },
};

const withConditions = (object: Resource, ...conditions: ReturnType<typeof cond>[]): Resource => {
  const kept = (object.status?.conditions ?? []).filter(
    (c) => !conditions.some((n) => n.type === c.type),
  );
  return { ...object, status: { ...object.status, conditions: [...kept, ...conditions] } };
};

describe("healthOf", () => {
  it("is plain Healthy only when the spec is applied, every server Ready and replication verified", () => {
    expect(healthOf(healthy)).toEqual({ health: "Healthy" });
  });

  it("needs attention, not Healthy, when the cluster serves but its backups fail", () => {
    const failing = withConditions(
      healthy,
      cond("BackupHealthy", "False", "BackupFailed", "orders-nightly-1 failed"),
    );
    expect(healthOf(failing)).toEqual({
      health: "Attention",
      hint: "backups failing: BackupFailed: orders-nightly-1 failed",
    });
    expect(HEALTH_TEXT.Attention).toBe("Needs attention");
  });

  it("says Paused with the reason, never Healthy, for a paused cluster with an unapplied spec", () => {
    const paused: Resource = withConditions(
      {
        ...healthy,
        metadata: {
          ...healthy.metadata,
          generation: 3,
          annotations: { "pilothouse.dev/reconcile": "paused" },
        },
      },
      cond("Paused", "True", "ReconcilePaused", "annotation pilothouse.dev/reconcile=paused"),
    );
    expect(healthOf(paused)).toEqual({
      health: "Paused",
      hint: "ReconcilePaused: annotation pilothouse.dev/reconcile=paused; generation 3 not yet applied (observed 2)",
    });
    // The condition alone (annotation already removed, operator not yet back) also pauses.
    const conditionOnly = withConditions(healthy, cond("Paused", "True", "ReconcilePaused"));
    expect(healthOf(conditionOnly).health).toBe("Paused");
    // The annotation alone, before the operator wrote Paused.
    const annotationOnly: Resource = {
      ...healthy,
      metadata: { ...healthy.metadata, annotations: { "pilothouse.dev/reconcile": "paused" } },
    };
    expect(healthOf(annotationOnly)).toEqual({
      health: "Paused",
      hint: "reconcile paused by annotation",
    });
  });

  it("is not Healthy while the spec is not applied or not every server is Ready", () => {
    const pending: Resource = { ...healthy, metadata: { ...healthy.metadata, generation: 3 } };
    expect(healthOf(pending)).toEqual({
      health: "Progressing",
      hint: "generation 3 not yet applied (observed 2)",
    });
    const short: Resource = { ...healthy, status: { ...healthy.status, readyReplicas: 2 } };
    expect(healthOf(short)).toEqual({ health: "NotReady", hint: "2/3 servers ready" });
  });

  it("shows Healthy with a visible 'replication not verified' hint when ReplicationHealthy is Unknown", () => {
    const unverified = withConditions(
      healthy,
      cond("ReplicationHealthy", "Unknown", "ChecksDisabled", "database checks are disabled"),
    );
    expect(healthOf(unverified)).toEqual({ health: "Healthy", hint: "replication not verified" });
  });

  it("tells a cluster still coming up (Progressing=True) from one that failed (Progressing=False)", () => {
    const provisioning = withConditions(
      healthy,
      cond("Ready", "False", "ServersNotReady", "0/3 servers ready"),
      cond("Progressing", "True", "Provisioning", "creating servers"),
    );
    expect(healthOf(provisioning)).toEqual({
      health: "Progressing",
      hint: "Provisioning: creating servers",
    });
    const stuck = withConditions(
      provisioning,
      cond("Progressing", "False", "ProgressDeadlineExceeded", "no progress in 10 min"),
    );
    expect(healthOf(stuck)).toEqual({
      health: "Failed",
      hint: "ProgressDeadlineExceeded: no progress in 10 min",
    });
    const notReady = withConditions(healthy, cond("Ready", "False", "ServersNotReady"));
    expect(
      healthOf({
        ...notReady,
        status: {
          ...notReady.status,
          conditions: notReady.status?.conditions?.filter((c) => c.type !== "Progressing"),
        },
      }),
    ).toEqual({
      health: "NotReady",
      hint: "ServersNotReady",
    });
  });

  it("reports Degraded=True and ReplicationHealthy=False as Degraded, stopped as Stopped", () => {
    const degraded = withConditions(healthy, cond("Degraded", "True", "ReplicaLagging", "300 s"));
    expect(healthOf(degraded)).toEqual({ health: "Degraded", hint: "ReplicaLagging: 300 s" });
    const broken = withConditions(healthy, cond("ReplicationHealthy", "False", "ReplicaStopped"));
    expect(healthOf(broken)).toEqual({ health: "Degraded", hint: "ReplicaStopped" });
    const asked = { ...healthy, spec: { ...healthy.spec, stopped: true } };
    const stopped: Resource = withConditions(
      asked,
      cond("Ready", "False", "Stopped"),
      cond("Stopped", "True", "Stopped"),
    );
    expect(healthOf(stopped)).toEqual({ health: "Stopped" });
    // Asked to stop, but the operator keeps the servers up until a backup has finished: not
    // Stopped yet, and says why.
    const waiting: Resource = withConditions(
      asked,
      cond("Stopped", "False", "WaitingForBackup", "MySQLBackup b1 is running"),
    );
    expect(healthOf(waiting)).toEqual({
      health: "Stopping",
      hint: "WaitingForBackup: MySQLBackup b1 is running",
    });
    // Before the operator wrote anything about it.
    expect(healthOf({ ...asked, status: { ...healthy.status, conditions: [] } }).health).toBe(
      "Stopping",
    );
    const fresh: Resource = { ...healthy, status: undefined };
    expect(healthOf(fresh)).toEqual({ health: "Unknown" });
  });

  it("reads a Kafka cluster by its conditions (no server count)", () => {
    const kafka: Resource = {
      apiVersion: "kafka.pilothouse.dev/v1alpha1",
      kind: "KafkaCluster",
      metadata: { name: "events", namespace: "demo", generation: 1 },
      spec: {},
      status: {
        observedGeneration: 1,
        conditions: [cond("Ready", "True", "BrokersReady"), cond("Degraded", "False", "AllInSync")],
      },
    };
    expect(healthOf(kafka)).toEqual({ health: "Healthy" });
  });

  it("shows a Kafka cluster whose brokers were not probed as Healthy with 'brokers not verified'", () => {
    const unprobed: Resource = {
      apiVersion: "kafka.pilothouse.dev/v1alpha1",
      kind: "KafkaCluster",
      metadata: { name: "events", namespace: "demo", generation: 1 },
      spec: {},
      status: {
        observedGeneration: 1,
        conditions: [
          cond("Ready", "True", "AllNodesReady"),
          cond(
            "Degraded",
            "Unknown",
            "DatabaseChecksDisabled",
            "brokers are not probed through the Admin API",
          ),
        ],
      },
    };
    expect(healthOf(unprobed)).toEqual({ health: "Healthy", hint: "brokers not verified" });
    // A MySQLCluster's unknown Degraded alone does not qualify it (its hint is about replication).
    const mysql = withConditions(healthy, cond("Degraded", "Unknown", "DatabaseChecksDisabled"));
    expect(healthOf(mysql)).toEqual({ health: "Healthy" });
  });
});

describe("lastSwitchoverOf", () => {
  const refused = {
    from: "orders-0",
    to: "orders-1",
    at: "2026-11-30T06:00:00Z",
    outcome: "Refused",
    message: "switchover to orders-1 refused (ReplicaLagging): orders-1 is 300 s behind",
  };

  it("gives a MySQLCluster's recorded switchover, refused or completed", () => {
    const cluster: Resource = {
      ...healthy,
      status: { ...healthy.status, lastSwitchover: refused },
    };
    expect(lastSwitchoverOf(cluster)).toEqual(refused);
  });

  it("gives nothing when no switchover was requested, the record is malformed, or for Kafka", () => {
    expect(lastSwitchoverOf(healthy)).toBeUndefined();
    const malformed: Resource = {
      ...healthy,
      status: { ...healthy.status, lastSwitchover: { to: "orders-1", outcome: "Maybe" } },
    };
    expect(lastSwitchoverOf(malformed)).toBeUndefined();
    const kafka: Resource = {
      ...healthy,
      kind: "KafkaCluster",
      status: { ...healthy.status, lastSwitchover: refused },
    };
    expect(lastSwitchoverOf(kafka)).toBeUndefined();
  });
});
