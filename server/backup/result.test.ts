import { describe, expect, it } from "vitest";
import {
  JobResultSchema,
  TERMINATION_MESSAGE_LIMIT,
  formatResultLine,
  timesSince,
  type BackupSucceeded,
  type JobFailed,
} from "./result";

const times = timesSince(new Date("2026-01-01T02:00:00Z"), new Date("2026-01-01T02:01:30Z"));

const succeeded: BackupSucceeded = {
  operation: "backup",
  phase: "Succeeded",
  ...times,
  bucket: "b",
  key: "k.sql.gz",
  url: "s3://b/k.sql.gz",
  manifestKey: "k.sql.gz.manifest.json",
  sizeBytes: 10,
  sha256: "0".repeat(64),
  dumpBytes: 20,
  engine: "mysql",
  serverVersion: "8.4.3",
  databases: ["shop"],
  position: { binlogFile: "binlog.000002", binlogPosition: 1610, gtid: "uuid:1-5" },
};

describe("timesSince", () => {
  it("reports ISO times and the duration in seconds", () => {
    expect(times).toEqual({
      startedAt: "2026-01-01T02:00:00.000Z",
      completedAt: "2026-01-01T02:01:30.000Z",
      durationSeconds: 90,
    });
  });
});

describe("formatResultLine", () => {
  it("is one JSON line the operator can parse back", () => {
    const line = formatResultLine(succeeded);
    expect(line).not.toContain("\n");
    expect(JobResultSchema.parse(JSON.parse(line))).toEqual(succeeded);
  });

  it("shortens long errors and GTID sets to fit a termination message", () => {
    const failed: JobFailed = {
      operation: "restore",
      phase: "Failed",
      ...times,
      error: { code: "RestoreFailed", message: "x".repeat(10_000) },
    };
    const longGtid = {
      ...succeeded,
      position: { ...succeeded.position, gtid: "u:1-2,".repeat(2000) },
    };
    for (const result of [failed, longGtid]) {
      const line = formatResultLine(result);
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(TERMINATION_MESSAGE_LIMIT);
      expect(line).toContain("…");
      expect(JobResultSchema.safeParse(JSON.parse(line)).success).toBe(true);
    }
  });
});
