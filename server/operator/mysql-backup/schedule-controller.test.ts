import { beforeEach, describe, expect, it } from "vitest";
import type { MySQLBackup } from "@/lib/crds/mysql-backup";
import { backupScheduleReconciler } from "./schedule-controller";
import { FakeBackupApi, aBackup, aCluster, silentLogger } from "./test-fixtures";

const KEY = "shop/orders";
let api: FakeBackupApi;
let clock: Date;
let reconcile: (key: string) => Promise<unknown>;

const storages = aCluster().spec.backup?.storages ?? [];

function withSchedule(schedule: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  api.put(
    aCluster({
      backup: {
        storages,
        schedules: [{ name: "hourly", cron: "0 * * * *", storageName: "main", ...schedule }],
      },
      ...extra,
    }),
  );
}

function seededRun(name: string, phase: "Succeeded" | "Failed", completedAt: string): MySQLBackup {
  const base = aBackup();
  return aBackup({
    metadata: {
      ...base.metadata,
      name,
      labels: {
        "mysql.pilothouse.dev/cluster": "orders",
        "mysql.pilothouse.dev/schedule": "hourly",
      },
    },
    status: { phase, completedAt },
  });
}

beforeEach(() => {
  api = new FakeBackupApi();
  clock = new Date("2026-01-01T10:00:20Z");
  reconcile = backupScheduleReconciler({ api, logger: silentLogger, now: () => clock });
});

describe("backup schedules", () => {
  it("creates one labelled MySQLBackup per tick, and waits for the next tick", async () => {
    withSchedule({ cron: "*/5 * * * *" });
    expect(await reconcile(KEY)).toEqual({ requeueAfterMs: 280_000 + 500 });
    expect(await reconcile(KEY)).toBeDefined();
    const runs = [...api.backups.values()];
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      metadata: {
        name: "orders-hourly-202601011000",
        labels: {
          "mysql.pilothouse.dev/cluster": "orders",
          "mysql.pilothouse.dev/schedule": "hourly",
        },
      },
      spec: { clusterName: "orders", storageName: "main", scheduleName: "hourly" },
    });
    expect(api.events.map((e) => e.reason)).toEqual(["BackupScheduled"]);
  });

  it("copies the cluster's operator shard label onto its runs", async () => {
    withSchedule({});
    const cluster = aCluster({
      backup: { storages, schedules: [{ name: "hourly", cron: "0 * * * *", storageName: "main" }] },
    });
    cluster.metadata.labels = { "pilothouse.dev/operator-shard": "it-1" };
    api.put(cluster);
    reconcile = backupScheduleReconciler({
      api,
      logger: silentLogger,
      now: () => clock,
      shard: "it-1",
    });
    await reconcile(KEY);
    expect([...api.backups.values()][0]?.metadata).toMatchObject({
      labels: { "pilothouse.dev/operator-shard": "it-1" },
    });
  });

  it.each([
    ["suspended", { suspend: true }, {}],
    ["the cluster is stopped", {}, { stopped: true }],
  ])("creates no run when %s", async (_what, schedule, spec) => {
    withSchedule(schedule, spec);
    await reconcile(KEY);
    expect(api.backups.size).toBe(0);
  });

  it("creates nothing for a tick past its starting deadline", async () => {
    clock = new Date("2026-01-01T10:30:00Z");
    withSchedule({ cron: "0 2 * * *" });
    await reconcile(KEY);
    expect(api.backups.size).toBe(0);
  });

  it("deletes the successful runs its retention lets go", async () => {
    withSchedule({ retention: { keepLast: 2 }, suspend: true });
    for (const [name, at] of [
      ["a", "2026-01-01T07:00:00Z"],
      ["b", "2026-01-01T08:00:00Z"],
      ["c", "2026-01-01T09:00:00Z"],
    ] as const) {
      api.put(seededRun(name, "Succeeded", at));
    }
    await reconcile(KEY);
    expect(api.deleted).toEqual(["a"]);
  });

  it("does nothing for a paused cluster", async () => {
    withSchedule({});
    const cluster = aCluster({
      backup: { storages, schedules: [{ name: "hourly", cron: "0 * * * *", storageName: "main" }] },
    });
    cluster.metadata.annotations = { "pilothouse.dev/reconcile": "paused" };
    api.put(cluster);
    expect(await reconcile(KEY)).toBeUndefined();
    expect(api.backups.size).toBe(0);
  });
});
