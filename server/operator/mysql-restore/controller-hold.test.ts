import type { V1Job } from "@kubernetes/client-node";
import { pino } from "pino";
import { beforeEach, describe, expect, it } from "vitest";
import { RESTORE_FINALIZER, RESTORE_IN_PROGRESS_ANNOTATION } from "@/lib/crds/mysql-restore";
import { mysqlRestoreReconciler } from "./controller";
import { targetAcceptsRestore } from "./hold";
import {
  FakePrimaryWrites,
  FakeRestoreApi,
  aReadyCluster,
  aRestore,
  aSucceededBackup,
} from "./test-fixtures";

const now = new Date("2026-01-02T08:00:00Z");
const HOLD_COMMAND = `kubectl annotate mysqlcluster -n shop orders ${RESTORE_IN_PROGRESS_ANNOTATION}-`;

let api: FakeRestoreApi;
let writes: FakePrimaryWrites;

function reconcilerWith(databaseChecks: boolean) {
  return mysqlRestoreReconciler({
    api,
    writes,
    job: { image: "pilothouse:test", workingDir: "/app", activeDeadlineSeconds: 3600 },
    databaseChecks,
    logger: pino({ level: "silent" }),
    now: () => now,
  });
}
let reconcile = reconcilerWith(true);

/** Runs restore `name` until its Job exists, then ends the Job (no report: data unknown). */
async function runUntilJob(name: string) {
  api.put(aRestore(name));
  for (let i = 0; i < 4; i++) await reconcile(`shop/${name}`);
  const job = api.jobs.get(`shop/${name}-restore`);
  if (!job) throw new Error(`no Job for ${name}`);
  return job;
}

function finish(job: V1Job, state: "Complete" | "Failed") {
  const reason = state === "Failed" ? "BackoffLimitExceeded" : "CompletionsReached";
  job.status = { conditions: [{ type: state, status: "True", reason, message: "" }] };
}

function writesStopped(name = "restore-1") {
  return api.restore(name).status?.conditions?.find((c) => c.type === "WritesStopped");
}

/** The cluster as its controller reports it while held: servers Ready, primary read-only. */
function heldReadOnlyCluster(holder: string) {
  const cluster = aReadyCluster();
  cluster.metadata.annotations = { [RESTORE_IN_PROGRESS_ANNOTATION]: holder };
  cluster.metadata.resourceVersion = "7";
  cluster.status = {
    ...cluster.status,
    instances: [
      { name: "orders-0", role: "primary", ready: true, reachable: true, readOnly: true },
    ],
    conditions: [
      {
        type: "Ready",
        status: "False",
        reason: "PrimaryUnavailable",
        message: "3/3 servers ready, but primary orders-0 does not accept writes",
        lastTransitionTime: "2026-01-01T09:00:00Z",
      },
    ],
  };
  return cluster;
}

beforeEach(() => {
  api = new FakeRestoreApi();
  writes = new FakePrimaryWrites();
  api.put(aSucceededBackup());
  api.put(aReadyCluster());
  reconcile = reconcilerWith(true);
});

describe("MySQLRestore that failed after applying data: the cluster stays held", () => {
  it("keeps the annotation and the finalizer, and says how to release the cluster", async () => {
    finish(await runUntilJob("restore-1"), "Failed");
    await reconcile("shop/restore-1");
    expect(api.annotation()).toBe("restore-1");
    expect(writes.runs.map((r) => r.sql)).toEqual([["SET GLOBAL read_only = ON"]]);
    expect(writesStopped()).toMatchObject({ status: "True", reason: "DataMayBePartial" });
    expect(writesStopped()?.message).toContain(HOLD_COMMAND);
    expect(writesStopped()?.message).toMatch(/create a new MySQLRestore into orders/);
    const warning = api.events.find((e) => e.message === writesStopped()?.message);
    expect(warning).toMatchObject({ type: "Warning", reason: "WritesStopped" });
    // Finished and held: later reconciles change nothing, not even the finalizer.
    const before = structuredClone(api.objects);
    for (let i = 0; i < 3; i++) expect(await reconcile("shop/restore-1")).toBeUndefined();
    expect(api.objects).toEqual(before);
    expect(api.restore().metadata.finalizers).toEqual([RESTORE_FINALIZER]);
  });

  it("deleting it keeps the hold, and Warning Events on the restore and the cluster say so", async () => {
    finish(await runUntilJob("restore-1"), "Failed");
    await reconcile("shop/restore-1");
    const raw = api.raw("MySQLRestore", "restore-1");
    Object.assign(raw?.metadata ?? {}, { deletionTimestamp: "2026-01-02T08:01:00Z" });
    await reconcile("shop/restore-1");
    expect(api.raw("MySQLRestore", "restore-1")).toBeUndefined();
    expect(api.annotation()).toBe("restore-1");
    const held = api.events.flatMap((e, i) =>
      e.reason === "ClusterStillHeld" ? [{ ...e, on: api.eventObjects[i] }] : [],
    );
    expect(held.map((e) => e.on)).toEqual(["MySQLRestore/restore-1", "MySQLCluster/orders"]);
    expect(held[0]).toMatchObject({ type: "Warning" });
    expect(held[0]?.message).toContain(HOLD_COMMAND);
  });

  it("with database checks disabled, the hold is kept too and WritesStopped is Unknown", async () => {
    reconcile = reconcilerWith(false);
    finish(await runUntilJob("restore-1"), "Failed");
    await reconcile("shop/restore-1");
    expect(writes.runs).toEqual([]);
    expect(api.annotation()).toBe("restore-1");
    expect(writesStopped()).toMatchObject({ status: "Unknown", reason: "DataMayBePartial" });
    expect(writesStopped()?.message).toMatch(/database checks are disabled/);
  });

  it("a new restore from a good backup takes the hold over and releases it when it succeeds", async () => {
    finish(await runUntilJob("restore-1"), "Failed");
    await reconcile("shop/restore-1");
    // The cluster controller now reports the held cluster not Ready: its primary is read-only.
    api.put(heldReadOnlyCluster("restore-1"));
    const job = await runUntilJob("restore-2");
    expect(api.annotation()).toBe("restore-2");
    expect(api.restore("restore-2").status?.phase).toBe("Running");
    finish(job, "Complete");
    await reconcile("shop/restore-2");
    expect(api.restore("restore-2").status?.phase).toBe("Succeeded");
    expect(writes.runs.at(-1)?.sql).toEqual(["SET GLOBAL read_only = OFF"]);
    expect(api.annotation()).toBeUndefined();
    // Deleting the old failed run now releases nothing and warns about nothing.
    const raw = api.raw("MySQLRestore", "restore-1");
    Object.assign(raw?.metadata ?? {}, { deletionTimestamp: "2026-01-02T08:01:00Z" });
    await reconcile("shop/restore-1");
    expect(api.raw("MySQLRestore", "restore-1")).toBeUndefined();
    expect(api.events.map((e) => e.reason)).not.toContain("ClusterStillHeld");
  });

  it("a failure before anything was applied releases the cluster", async () => {
    const job = await runUntilJob("restore-1");
    finish(job, "Failed");
    const report = {
      operation: "restore",
      phase: "Failed",
      startedAt: "2026-01-02T08:00:01.000Z",
      completedAt: "2026-01-02T08:00:02.000Z",
      durationSeconds: 1,
      error: { code: "NotFound", message: "backup object not found" },
    };
    api.pods = [
      {
        metadata: { name: "restore-1-restore-abcde", creationTimestamp: now },
        status: {
          containerStatuses: [
            {
              name: "restore",
              image: "i",
              imageID: "",
              ready: false,
              restartCount: 0,
              state: { terminated: { exitCode: 1, message: JSON.stringify(report) } },
            },
          ],
        },
      },
    ];
    await reconcile("shop/restore-1");
    await reconcile("shop/restore-1");
    expect(api.annotation()).toBeUndefined();
    expect(api.restore().metadata.finalizers).toEqual([]);
  });
});

describe("targetAcceptsRestore", () => {
  it("accepts a Ready cluster, and a held one whose only fault is its read-only primary", () => {
    expect(targetAcceptsRestore(aReadyCluster(), false)).toBe(true);
    expect(targetAcceptsRestore(heldReadOnlyCluster("restore-1"), true)).toBe(true);
    expect(targetAcceptsRestore(heldReadOnlyCluster("restore-1"), false)).toBe(false);
  });

  it("refuses a held cluster whose primary is unreachable or whose servers are not Ready", () => {
    const unreachable = heldReadOnlyCluster("restore-1");
    unreachable.status = {
      ...unreachable.status,
      instances: [{ name: "orders-0", role: "unknown", ready: true, reachable: false }],
    };
    expect(targetAcceptsRestore(unreachable, true)).toBe(false);
    const starting = heldReadOnlyCluster("restore-1");
    const ready = starting.status?.conditions?.[0];
    if (ready) ready.reason = "ServersNotReady";
    expect(targetAcceptsRestore(starting, true)).toBe(false);
  });
});
