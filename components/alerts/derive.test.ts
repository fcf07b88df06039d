import { describe, expect, it } from "vitest";
import type { Resource } from "../resources/model";
import {
  alertsFromAlertmanager,
  alertsFromEvents,
  alertsFromObject,
  clusterKindOf,
  countByCluster,
  dedupeAlerts,
  normalizeSeverity,
  sortAlerts,
} from "./derive";

const cond = (type: string, status: "True" | "False" | "Unknown", reason: string) => ({
  type,
  status,
  reason,
  message: `${type} is ${status}`,
  lastTransitionTime: "2026-01-01T00:00:00Z",
});

const cluster = (
  conditions: ReturnType<typeof cond>[],
  spec: Record<string, unknown> = {},
): Resource => ({
  apiVersion: "mysql.pilothouse.dev/v1alpha1",
  kind: "MySQLCluster",
  metadata: { name: "orders", namespace: "demo" },
  spec,
  status: { conditions },
});

describe("alertsFromObject", () => {
  it("turns Degraded, Ready=False, BackupHealthy=False and ReplicationHealthy=False into alerts", () => {
    const alerts = alertsFromObject(
      "mysqlclusters",
      cluster([
        cond("Ready", "False", "ServersNotReady"),
        cond("Degraded", "True", "ReplicaLagging"),
        cond("BackupHealthy", "False", "LastBackupFailed"),
        cond("ReplicationHealthy", "False", "ReplicaStopped"),
      ]),
    );
    expect(alerts.map((a) => [a.severity, a.title])).toEqual([
      ["critical", "MySQLCluster orders: ReplicationHealthy=False (ReplicaStopped)"],
      ["warning", "MySQLCluster orders: Degraded=True (ReplicaLagging)"],
      ["critical", "MySQLCluster orders: Ready=False (ServersNotReady)"],
      ["warning", "MySQLCluster orders: BackupHealthy=False (LastBackupFailed)"],
    ]);
    expect(alerts.every((a) => a.cluster === "orders" && a.namespace === "demo")).toBe(true);
  });

  it("does not alert on a healthy, stopped, or still provisioning cluster, nor on Unknown", () => {
    expect(alertsFromObject("mysqlclusters", cluster([cond("Ready", "True", "AllReady")]))).toEqual(
      [],
    );
    expect(
      alertsFromObject(
        "mysqlclusters",
        cluster([cond("Ready", "False", "Stopped")], { stopped: true }),
      ),
    ).toEqual([]);
    expect(
      alertsFromObject(
        "mysqlclusters",
        cluster([cond("Ready", "False", "Provisioning"), cond("Progressing", "True", "Scaling")]),
      ),
    ).toEqual([]);
    expect(
      alertsFromObject(
        "mysqlclusters",
        cluster([cond("ReplicationHealthy", "Unknown", "DatabaseChecksDisabled")]),
      ),
    ).toEqual([]);
  });

  it("alerts on a Failed backup run, attributed to its cluster", () => {
    const backup: Resource = {
      apiVersion: "mysql.pilothouse.dev/v1alpha1",
      kind: "MySQLBackup",
      metadata: { name: "nightly-1", namespace: "demo" },
      spec: { clusterName: "orders" },
      status: { phase: "Failed", error: { code: "AuthFailed", message: "S3 refused the key" } },
    };
    const [alert] = alertsFromObject("mysqlbackups", backup);
    expect(alert).toMatchObject({
      severity: "warning",
      cluster: "orders",
      message: "S3 refused the key",
    });
  });
});

describe("alertsFromEvents", () => {
  it("keeps Warning Events only and attributes them through the object to its cluster", () => {
    const topic: Resource = {
      apiVersion: "kafka.pilothouse.dev/v1alpha1",
      kind: "KafkaTopic",
      metadata: { name: "clicks", namespace: "demo" },
      spec: { clusterName: "events" },
    };
    const objects = new Map([["KafkaTopic/clicks", { plural: "kafkatopics", object: topic }]]);
    const base = {
      reason: "R",
      message: "m",
      count: 3,
      involvedKind: "KafkaTopic",
      involvedName: "clicks",
    };
    const alerts = alertsFromEvents(
      "demo",
      [
        { ...base, type: "Warning" },
        { ...base, type: "Normal" },
      ],
      objects,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      cluster: "events",
      title: "KafkaTopic clicks: R (×3)",
      source: "event",
    });
  });
});

describe("alertsFromAlertmanager", () => {
  it("maps severities and keeps the matched cluster", () => {
    const [a] = alertsFromAlertmanager([
      {
        name: "MySQLReplicationLag",
        severity: "page",
        summary: "lag",
        namespace: "demo",
        cluster: "orders",
        labels: {},
      },
    ]);
    expect(a).toMatchObject({ severity: "critical", cluster: "orders", source: "alertmanager" });
    expect(normalizeSeverity("whatever")).toBe("warning");
    expect(normalizeSeverity("INFO")).toBe("info");
  });

  it("links an alert of Pilothouse's rules to its cluster object when the page knows it", () => {
    const orders = cluster([]);
    const objects = new Map([["MySQLCluster/orders", { plural: "mysqlclusters", object: orders }]]);
    const external = (name: string, labels: Record<string, string>) => ({
      name,
      severity: "critical",
      summary: "",
      namespace: "demo",
      cluster: "orders",
      labels,
    });
    const [rule, labelled, kafka, unknown] = alertsFromAlertmanager(
      [
        external("PilothouseMySQLPrimaryUnavailable", { cluster: "orders" }),
        external("Lag", { mysqlcluster: "orders" }),
        external("PilothouseKafkaOfflinePartitions", { cluster: "orders" }),
        external("Lag", { cluster: "orders" }),
      ],
      objects,
    );
    expect(rule?.object).toEqual({ plural: "mysqlclusters", name: "orders" });
    expect(labelled?.object).toEqual({ plural: "mysqlclusters", name: "orders" });
    // A KafkaCluster named orders is not on the page; a bare `cluster` label names no kind.
    expect(kafka?.object).toBeUndefined();
    expect(unknown?.object).toBeUndefined();
    expect(clusterKindOf(external("X", { kafkacluster: "events" }))).toBe("KafkaCluster");
  });

  it("never shows an empty message: the summary, else the alert's name", () => {
    const alert = (summary: string) => ({
      name: "MySQLReplicationLag",
      severity: "warning",
      summary,
      namespace: "demo",
      labels: {},
    });
    const [described, bare, blank] = alertsFromAlertmanager([
      alert("orders-2 lags 120 s"),
      alert(""),
      alert("  "),
    ]);
    expect(described?.message).toBe("orders-2 lags 120 s");
    expect(bare?.message).toBe("MySQLReplicationLag");
    expect(blank?.message).toBe("MySQLReplicationLag");
  });
});

describe("sortAlerts and countByCluster", () => {
  it("puts critical first and counts per namespace/cluster", () => {
    const alerts = [
      ...alertsFromObject("mysqlclusters", cluster([cond("Degraded", "True", "X")])),
      ...alertsFromObject("mysqlclusters", cluster([cond("ReplicationHealthy", "False", "Y")])),
    ];
    expect(sortAlerts(alerts)[0]?.severity).toBe("critical");
    expect(countByCluster(alerts).get("demo/orders")).toBe(2);
  });
});

describe("dedupeAlerts", () => {
  const failedTopic: Resource = {
    apiVersion: "kafka.pilothouse.dev/v1alpha1",
    kind: "KafkaTopic",
    metadata: { name: "clicks", namespace: "demo" },
    spec: { clusterName: "events" },
    status: {
      phase: "Failed",
      conditions: [
        {
          type: "Ready",
          status: "False",
          reason: "ClusterNotFound",
          message: "KafkaCluster events not found",
          lastTransitionTime: "2026-01-02T00:00:00Z",
        },
      ],
    },
  };
  const objects = new Map([["KafkaTopic/clicks", { plural: "kafkatopics", object: failedTopic }]]);

  it("shows a failed topic's condition reason, message and time instead of an empty row", () => {
    const failed = alertsFromObject("kafkatopics", failedTopic).find((a) =>
      a.id.endsWith("/Failed"),
    );
    expect(failed).toMatchObject({
      title: "KafkaTopic clicks failed (ClusterNotFound)",
      message: "KafkaCluster events not found",
      since: "2026-01-02T00:00:00Z",
    });
  });

  it("keeps one alert per (object, reason) across conditions, phase and Warning Events", () => {
    const events = alertsFromEvents(
      "demo",
      [
        {
          type: "Warning",
          reason: "ClusterNotFound",
          message: "KafkaCluster events not found",
          count: 4,
          involvedKind: "KafkaTopic",
          involvedName: "clicks",
          lastSeen: "2026-01-03T00:00:00Z",
        },
        {
          type: "Warning",
          reason: "Other",
          message: "another problem",
          count: 1,
          involvedKind: "KafkaTopic",
          involvedName: "clicks",
        },
      ],
      objects,
    );
    const alerts = dedupeAlerts([...alertsFromObject("kafkatopics", failedTopic), ...events]);
    expect(alerts.map((a) => [a.source, a.reason])).toEqual([
      ["condition", "ClusterNotFound"],
      ["event", "Other"],
    ]);
    expect(alerts[0]?.since).toBe("2026-01-02T00:00:00Z");
    expect(dedupeAlerts(alertsFromAlertmanager([]))).toEqual([]);
  });
});
