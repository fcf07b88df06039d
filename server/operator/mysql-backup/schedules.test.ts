import { describe, expect, it } from "vitest";
import { scheduleRunName } from "./names";
import {
  FAILED_RUNS_KEPT,
  dueTick,
  latestTick,
  nextTick,
  retentionVictims,
  type ScheduleRun,
} from "./schedules";

const at = (iso: string) => new Date(iso);

describe("schedule ticks (UTC)", () => {
  it("finds the latest tick at or before now, and the next one after it", () => {
    expect(latestTick("*/5 * * * *", at("2026-01-01T10:05:00Z"))).toEqual(
      at("2026-01-01T10:05:00Z"),
    );
    expect(latestTick("*/5 * * * *", at("2026-01-01T10:07:30Z"))).toEqual(
      at("2026-01-01T10:05:00Z"),
    );
    expect(nextTick("*/5 * * * *", at("2026-01-01T10:05:00Z"))).toEqual(at("2026-01-01T10:10:00Z"));
    expect(nextTick("0 2 * * *", at("2026-01-01T10:30:00Z"))).toEqual(at("2026-01-02T02:00:00Z"));
  });

  it("runs a tick late only within the starting deadline", () => {
    expect(dueTick("0 2 * * *", at("2026-01-01T02:04:00Z"))).toEqual(at("2026-01-01T02:00:00Z"));
    expect(dueTick("0 2 * * *", at("2026-01-01T02:11:00Z"))).toBeUndefined();
    // a schedule added at 10:30 does not run the 02:00 tick of the same day
    expect(dueTick("0 2 * * *", at("2026-01-01T10:30:00Z"))).toBeUndefined();
    // every minute: the latest tick is always due
    expect(dueTick("* * * * *", at("2026-01-01T10:30:59Z"))).toEqual(at("2026-01-01T10:30:00Z"));
  });

  it("names a run after its tick, so one tick is one MySQLBackup", () => {
    expect(scheduleRunName("orders", "nightly", at("2026-01-01T02:00:00Z"))).toBe(
      "orders-nightly-202601010200",
    );
  });
});

function run(
  name: string,
  phase: ScheduleRun["phase"],
  finishedAt: string,
  deleting = false,
): ScheduleRun {
  return { name, phase, finishedAt: at(finishedAt), deleting };
}

describe("retentionVictims", () => {
  const now = at("2026-01-10T00:00:00Z");
  const succeeded = [
    run("d1", "Succeeded", "2026-01-09T00:00:00Z"),
    run("d2", "Succeeded", "2026-01-08T00:00:00Z"),
    run("d3", "Succeeded", "2026-01-07T00:00:00Z"),
    run("d4", "Succeeded", "2026-01-01T00:00:00Z"),
  ];

  it("keeps everything successful without a retention", () => {
    expect(retentionVictims(succeeded, undefined, now)).toEqual([]);
  });

  it("keeps the newest keepLast successful runs", () => {
    expect(retentionVictims([...succeeded].reverse(), { keepLast: 2 }, now)).toEqual(["d3", "d4"]);
  });

  it("keeps runs younger than maxAge, and always the newest one", () => {
    expect(retentionVictims(succeeded, { maxAge: "2d" }, now)).toEqual(["d3", "d4"]);
    expect(retentionVictims(succeeded, { maxAge: "1h" }, now)).toEqual(["d2", "d3", "d4"]);
  });

  it("keeps a run that either rule keeps", () => {
    expect(retentionVictims(succeeded, { keepLast: 1, maxAge: "3d" }, now)).toEqual(["d4"]);
  });

  it("never deletes running or pending runs, or runs already being deleted", () => {
    const runs = [
      ...succeeded,
      run("r", "Running", "2026-01-01T00:00:00Z"),
      run("p", undefined, "2026-01-01T00:00:00Z"),
      run("x", "Succeeded", "2026-01-01T00:00:00Z", true),
    ];
    expect(retentionVictims(runs, { keepLast: 1 }, now)).toEqual(["d2", "d3", "d4"]);
  });

  it(`keeps the newest ${FAILED_RUNS_KEPT} failed runs whatever the retention`, () => {
    const failed = ["f1", "f2", "f3", "f4", "f5"].map((name, i) =>
      run(name, "Failed", `2026-01-0${9 - i}T00:00:00Z`),
    );
    expect(retentionVictims(failed, undefined, now)).toEqual(["f4", "f5"]);
  });
});
