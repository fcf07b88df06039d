import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { MySQLClusterStatus } from "@/lib/crds/mysql-cluster";
import { prometheusClusterMetrics } from "./metrics";

const at = "2026-03-01T12:00:00Z";
const status: MySQLClusterStatus = {
  primary: "orders-0",
  conditions: [
    {
      type: "Ready",
      status: "True",
      reason: "AllServersReady",
      message: "",
      lastTransitionTime: at,
    },
    {
      type: "ReplicationHealthy",
      status: "False",
      reason: "ReplicationBroken",
      message: "",
      lastTransitionTime: at,
    },
  ],
  instances: [
    { name: "orders-0", role: "primary", ready: true, reachable: true, readOnly: false },
    {
      name: "orders-1",
      role: "replica",
      ready: true,
      reachable: true,
      readOnly: true,
      replicationLagSeconds: 4,
    },
    { name: "orders-2", role: "unknown", ready: true, reachable: false },
  ],
};

describe("prometheusClusterMetrics", () => {
  it("exports per-cluster and per-server health, and drops a deleted cluster's series", async () => {
    const registry = new Registry();
    const metrics = prometheusClusterMetrics(registry);
    metrics.report("shop", "orders", status);
    metrics.topologyChange("shop", "orders", "failover", "succeeded");
    const text = await registry.metrics();
    const cluster = 'namespace="shop",cluster="orders"';
    expect(text).toContain(`pilothouse_mysql_cluster_ready{${cluster}} 1`);
    expect(text).toContain(`pilothouse_mysql_cluster_primary_available{${cluster}} 1`);
    expect(text).toContain(`pilothouse_mysql_cluster_replication_healthy{${cluster}} 0`);
    expect(text).toContain(
      `pilothouse_mysql_instance_replication_lag_seconds{${cluster},instance="orders-1"} 4`,
    );
    expect(text).toContain(
      `pilothouse_mysql_instance_replicating{${cluster},instance="orders-1"} 1`,
    );
    expect(text).toContain(
      `pilothouse_mysql_instance_replicating{${cluster},instance="orders-2"} 0`,
    );
    expect(text).not.toContain(
      `pilothouse_mysql_instance_replicating{${cluster},instance="orders-0"}`,
    );
    expect(text).toContain(`pilothouse_mysql_instance_reachable{${cluster},instance="orders-2"} 0`);
    expect(text).toContain(
      `pilothouse_mysql_topology_changes_total{${cluster},kind="failover",outcome="succeeded"} 1`,
    );
    metrics.report("shop", "orders", { ...status, instances: status.instances?.slice(0, 2) });
    expect(await registry.metrics()).not.toContain('instance="orders-2"');
    metrics.forget("shop", "orders");
    const after = await registry.metrics();
    expect(after).not.toContain(`pilothouse_mysql_cluster_ready{${cluster}}`);
    expect(after).not.toContain('instance="orders-1"');
  });
});

describe("backup metrics", () => {
  it("exports the time since the last successful backup at scrape time, the failed flag and the interval", async () => {
    const registry = new Registry();
    const metrics = prometheusClusterMetrics(registry);
    const tenMinutesAgo = new Date(Date.now() - 600_000);
    metrics.backups("shop", "orders", {
      lastSuccess: tenMinutesAgo,
      lastSuccessOrCreation: tenMinutesAgo,
      lastBackupFailed: true,
      expectedIntervalSeconds: 86_400,
    });
    const text = await registry.metrics();
    const since =
      /pilothouse_mysql_cluster_seconds_since_last_successful_backup\{namespace="shop",cluster="orders"\} ([0-9.]+)/.exec(
        text,
      );
    expect(Number(since?.[1])).toBeGreaterThanOrEqual(600);
    expect(Number(since?.[1])).toBeLessThan(660);
    expect(text).toContain(
      'pilothouse_mysql_cluster_last_backup_failed{namespace="shop",cluster="orders"} 1',
    );
    expect(text).toContain(
      'pilothouse_mysql_cluster_backup_expected_interval_seconds{namespace="shop",cluster="orders"} 86400',
    );
    expect(text).toContain(
      `pilothouse_mysql_cluster_last_successful_backup_timestamp_seconds{namespace="shop",cluster="orders"} ${tenMinutesAgo.getTime() / 1000}`,
    );
    metrics.forget("shop", "orders");
    expect(await registry.metrics()).not.toContain('cluster="orders"');
  });
});
