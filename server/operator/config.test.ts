import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { loadOperatorConfig } from "./config";

const thisFile = new URL(import.meta.url).pathname;

describe("loadOperatorConfig", () => {
  it("defaults everything but the kubeconfig", () => {
    expect(loadOperatorConfig({})).toEqual({
      kubeconfigPath: undefined,
      logLevel: "info",
      workers: 2,
      resyncSeconds: 300,
      shard: undefined,
      instanceName: hostname(),
      backupJob: {
        image: "ghcr.io/pilothouse/pilothouse:dev",
        workingDir: "/app",
        activeDeadlineSeconds: 21_600,
      },
      metricsPort: undefined,
      probeSeconds: 10,
      databaseChecks: true,
      leaderElection: {
        namespace: "pilothouse-system",
        leaseName: "pilothouse-operator",
        leaseSeconds: 15,
      },
      instanceAddresses: new Map(),
    });
  });

  it("reads and converts the variables", () => {
    const config = loadOperatorConfig({
      KUBECONFIG: thisFile,
      PILOTHOUSE_OPERATOR_LOG_LEVEL: "debug",
      PILOTHOUSE_OPERATOR_WORKERS: "4",
      PILOTHOUSE_OPERATOR_RESYNC_SECONDS: "60",
      POD_NAME: "pilothouse-operator-7d9f",
      PILOTHOUSE_OPERATOR_SHARD: "it-3f9a2c",
      PILOTHOUSE_OPERATOR_IMAGE: "registry.example/pilothouse:1.2.3",
      PILOTHOUSE_BACKUP_DEADLINE_SECONDS: "3600",
      PILOTHOUSE_OPERATOR_METRICS_PORT: "0",
      PILOTHOUSE_OPERATOR_PROBE_SECONDS: "1",
      PILOTHOUSE_OPERATOR_DATABASE_CHECKS: "disabled",
      PILOTHOUSE_OPERATOR_LEASE_SECONDS: "4",
      PILOTHOUSE_OPERATOR_INSTANCE_ADDRESSES: '{"ns/orders-0": "127.0.0.1:13312"}',
    });
    expect(config).toEqual({
      kubeconfigPath: thisFile,
      logLevel: "debug",
      workers: 4,
      resyncSeconds: 60,
      shard: "it-3f9a2c",
      instanceName: "pilothouse-operator-7d9f",
      backupJob: {
        image: "registry.example/pilothouse:1.2.3",
        workingDir: "/app",
        activeDeadlineSeconds: 3600,
      },
      metricsPort: 0,
      probeSeconds: 1,
      databaseChecks: false,
      leaderElection: {
        namespace: "pilothouse-system",
        leaseName: "pilothouse-operator-it-3f9a2c",
        leaseSeconds: 4,
      },
      instanceAddresses: new Map([["ns/orders-0", { host: "127.0.0.1", port: 13312 }]]),
    });
  });

  it("turns leader election off, and refuses malformed instance addresses", () => {
    expect(
      loadOperatorConfig({ PILOTHOUSE_OPERATOR_LEADER_ELECTION: "false" }).leaderElection,
    ).toBe(undefined);
    expect(() =>
      loadOperatorConfig({ PILOTHOUSE_OPERATOR_INSTANCE_ADDRESSES: '{"orders-0": "nowhere"}' }),
    ).toThrow(/PILOTHOUSE_OPERATOR_INSTANCE_ADDRESSES: must be JSON like/);
  });

  it("names every invalid variable", () => {
    expect(() =>
      loadOperatorConfig({
        KUBECONFIG: "/nonexistent/kubeconfig",
        PILOTHOUSE_OPERATOR_WORKERS: "0",
        PILOTHOUSE_OPERATOR_LOG_LEVEL: "loud",
        PILOTHOUSE_OPERATOR_SHARD: "Not A Label",
      }),
    ).toThrow(
      /KUBECONFIG: file does not exist[\s\S]*PILOTHOUSE_OPERATOR_LOG_LEVEL[\s\S]*PILOTHOUSE_OPERATOR_WORKERS[\s\S]*PILOTHOUSE_OPERATOR_SHARD: must be a label value/,
    );
  });
});
