import { describe, expect, it } from "vitest";
import { ClusterBackupSchema, CronScheduleSchema, durationSeconds } from "./cluster-backup";

const storage = {
  name: "main",
  s3: { bucket: "backups", credentialsSecretRef: { name: "s3-keys" } },
};

function issuesOf(input: unknown): Record<string, string> {
  const parsed = ClusterBackupSchema.safeParse(input);
  if (parsed.success) return {};
  return Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message]));
}

describe("ClusterBackupSchema", () => {
  it("fills the defaults of storages and schedules", () => {
    const parsed = ClusterBackupSchema.parse({
      storages: [storage],
      schedules: [{ name: "nightly", cron: "0 2 * * *", storageName: "main" }],
    });
    expect(parsed.storages[0]?.s3).toEqual({
      bucket: "backups",
      region: "us-east-1",
      prefix: "",
      forcePathStyle: false,
      credentialsSecretRef: {
        name: "s3-keys",
        accessKeyIdKey: "accessKeyId",
        secretAccessKeyKey: "secretAccessKey",
      },
    });
    expect(parsed.schedules[0]?.suspend).toBe(false);
  });

  it("refuses a schedule naming a storage that does not exist", () => {
    expect(
      issuesOf({
        storages: [storage],
        schedules: [{ name: "h", cron: "0 * * * *", storageName: "x" }],
      }),
    ).toEqual({
      "schedules.0.storageName":
        "schedule h refers to storage x, which is not in spec.backup.storages",
    });
  });

  it("refuses duplicate names", () => {
    expect(issuesOf({ storages: [storage, storage] })).toEqual({
      storages: "duplicate storage main",
    });
  });

  it("needs keepLast or maxAge in a retention", () => {
    const schedule = { name: "h", cron: "0 * * * *", storageName: "main", retention: {} };
    expect(issuesOf({ storages: [storage], schedules: [schedule] })).toEqual({
      "schedules.0.retention": "must set keepLast, maxAge or both",
    });
  });
});

describe("CronScheduleSchema", () => {
  it.each(["0 2 * * *", "*/1 * * * *", "15 3 * * mon-fri", "0 0 1 jan,jul *"])(
    "accepts %s",
    (cron) => {
      expect(CronScheduleSchema.safeParse(cron).success).toBe(true);
    },
  );

  it.each(["0 2 * *", "0 0 2 * * *", "@daily", "61 * * * *", "* 25 * * *", ""])(
    "refuses %j",
    (cron) => {
      expect(CronScheduleSchema.safeParse(cron).success).toBe(false);
    },
  );
});

describe("durationSeconds", () => {
  it.each([
    ["90s", 90],
    ["36h", 129600],
    ["7d", 604800],
    ["1w2d", 777600],
    ["7 days", undefined],
    ["", undefined],
  ])("%j is %j seconds", (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
  });
});
