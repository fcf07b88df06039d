import { describe, expect, it } from "vitest";
import type { BackupErrorCode } from "@/server/backup/errors";
import { judgeRestoreJob } from "./job-report";

const times = {
  startedAt: "2026-01-01T00:00:00.000Z",
  completedAt: "2026-01-01T00:00:05.000Z",
  durationSeconds: 5,
};
const failed = (code: BackupErrorCode, message: string) =>
  ({ operation: "restore", phase: "Failed", ...times, error: { code, message } }) as const;

describe("judgeRestoreJob", () => {
  it("a Complete Job succeeded (the command exits 0 only then), with bytes when reported", () => {
    expect(judgeRestoreJob("j", { state: "succeeded" }, undefined)).toEqual({ ok: true });
    const report = {
      operation: "restore",
      phase: "Succeeded",
      ...times,
      bucket: "b",
      key: "k",
      url: "s3://b/k",
      sizeBytes: 10,
      sha256: "0".repeat(64),
      bytesApplied: 10,
    } as const;
    expect(judgeRestoreJob("j", { state: "succeeded" }, report)).toEqual({
      ok: true,
      bytesApplied: 10,
    });
  });

  it.each([
    ["NotFound", "backup object not found", true],
    ["AuthFailed", "access denied", true],
    ["SizeMismatch", "size differs", true],
    ["ChecksumMismatch", "stored object sha256 differs", true],
    [
      "ChecksumMismatch",
      "checksum mismatch while restoring x; the databases may be partly restored",
      false,
    ],
    ["RestoreFailed", "mariadb exited 1", false],
    ["DatabaseUnavailable", "connection lost", false],
  ] as [BackupErrorCode, string, boolean][])(
    "%s (%s): data untouched = %s",
    (code, message, untouched) => {
      const verdict = judgeRestoreJob(
        "j",
        { state: "failed", reason: "BackoffLimitExceeded", message: "" },
        failed(code, message),
      );
      expect(verdict).toEqual({ ok: false, error: { code, message }, dataUntouched: untouched });
    },
  );

  it("a failed Job without a report: JobFailed with the Job's reason, data state unknown", () => {
    expect(
      judgeRestoreJob(
        "r-restore",
        { state: "failed", reason: "DeadlineExceeded", message: "too long" },
        undefined,
      ),
    ).toEqual({
      ok: false,
      error: { code: "JobFailed", message: "Job r-restore failed (DeadlineExceeded: too long)" },
      dataUntouched: false,
    });
  });
});
