import { describe, expect, it } from "vitest";
import type { Resource } from "../resources/model";
import { availability, permissionFor, succeededBackupsOf } from "./availability";

const ACTIONS = ["start", "stop", "backup", "restore", "switchover", "pause", "resume"] as const;

const cluster = (extra: Partial<Resource> = {}, spec: Record<string, unknown> = {}): Resource => ({
  apiVersion: "mysql.pilothouse.dev/v1alpha1",
  kind: "MySQLCluster",
  metadata: { name: "orders", namespace: "demo" },
  spec: { replicas: 3, stopped: false, backup: { storages: [{ name: "s3" }] }, ...spec },
  ...extra,
});
const backup = (name: string, phase: string | undefined, completedAt?: string): Resource => ({
  apiVersion: "mysql.pilothouse.dev/v1alpha1",
  kind: "MySQLBackup",
  metadata: { name, namespace: "demo" },
  spec: { clusterName: "orders", storageName: "s3" },
  status: phase ? { phase, completedAt } : undefined,
});
const restore = (name: string, phase: string | undefined, into = "orders"): Resource => ({
  apiVersion: "mysql.pilothouse.dev/v1alpha1",
  kind: "MySQLRestore",
  metadata: { name, namespace: "demo" },
  spec: { backupName: "b1", target: { clusterName: into } },
  status: phase ? { phase } : undefined,
});

describe("availability", () => {
  const done = [backup("b1", "Succeeded", "2026-01-01T00:00:00Z")];

  it("offers stop on a running cluster and start on a stopped one", () => {
    const running = availability(cluster(), ACTIONS, { backups: done, restores: [] });
    expect(running.stop).toEqual({ shown: true, blockedBy: undefined });
    expect(running.start?.shown).toBe(false);
    const stoppedCondition = {
      type: "Stopped",
      status: "True" as const,
      reason: "Stopped",
      message: "",
      lastTransitionTime: "2026-01-01T00:00:00Z",
    };
    const stoppedStatus = { status: { conditions: [stoppedCondition] } };
    const stopped = availability(cluster(stoppedStatus, { stopped: true }), ACTIONS, {
      backups: done,
      restores: [],
    });
    expect(stopped.start?.shown).toBe(true);
    expect(stopped.stop?.shown).toBe(false);
    expect(stopped.backup?.blockedBy).toBe("The cluster is stopped: start it to take a backup.");
    // Asked to stop, not stopped yet: start is offered (it cancels the stop), backup is not.
    const stopping = availability(cluster({}, { stopped: true }), ACTIONS, {
      backups: done,
      restores: [],
    });
    expect(stopping.start?.shown).toBe(true);
    expect(stopping.backup?.blockedBy).toMatch(/^The cluster is stopping/);
    expect(stopping.switchover?.blockedBy).toBe(
      "The cluster is stopping: start it before a switchover.",
    );
    // Restoring into a stopped cluster is refused by the API (409): the button says so first.
    expect(stopped.restore?.blockedBy).toBe(
      "The cluster is stopped: start it before restoring into it.",
    );
  });

  it("refuses stop and a second restore while a restore runs into the cluster", () => {
    for (const phase of [undefined, "Pending", "Running"]) {
      const a = availability(cluster(), ACTIONS, {
        backups: done,
        restores: [restore("r1", phase)],
      });
      expect(a.stop?.blockedBy).toMatch(/Restore r1 is running/);
      expect(a.restore?.blockedBy).toMatch(/Restore r1 is running/);
      expect(a.switchover?.blockedBy).toMatch(/Restore r1/);
    }
    const finished = availability(cluster(), ACTIONS, {
      backups: done,
      restores: [restore("r1", "Succeeded"), restore("r2", "Running", "other")],
    });
    expect(finished.stop?.blockedBy).toBeUndefined();
    expect(finished.restore?.blockedBy).toBeUndefined();
  });

  it("needs a Succeeded backup to restore, and no running backup to start another", () => {
    const none = availability(cluster(), ACTIONS, {
      backups: [backup("b2", "Failed")],
      restores: [],
    });
    expect(none.restore?.blockedBy).toMatch(/no Succeeded backup/);
    const noStorage = availability(cluster({}, { backup: { storages: [] } }), ACTIONS, {
      backups: [],
      restores: [],
    });
    expect(noStorage.backup?.blockedBy).toMatch(/no backup storage/);
    const busy = availability(cluster(), ACTIONS, {
      backups: [backup("b3", "Running")],
      restores: [],
    });
    expect(busy.backup?.blockedBy).toMatch(/Backup b3 is still running/);
  });

  it("shows pause or resume by the reconcile annotation, and blocks changes while deleting", () => {
    const paused = cluster({
      metadata: { name: "orders", annotations: { "pilothouse.dev/reconcile": "paused" } },
    });
    const a = availability(paused, ACTIONS, { backups: [], restores: [] });
    expect(a.pause?.shown).toBe(false);
    expect(a.resume?.shown).toBe(true);
    const deleting = cluster({
      metadata: { name: "orders", deletionTimestamp: "2026-01-01T00:00:00Z" },
    });
    expect(availability(deleting, ACTIONS, { backups: [], restores: [] }).stop?.blockedBy).toMatch(
      /deleted/,
    );
  });

  it("restores a backup only when it Succeeded", () => {
    expect(
      availability(backup("b", "Running"), ["restore"], { backups: [], restores: [] }).restore
        ?.blockedBy,
    ).toMatch(/Succeeded/);
    expect(
      availability(backup("b", "Succeeded"), ["restore"], { backups: [], restores: [] }).restore
        ?.blockedBy,
    ).toBeUndefined();
  });
});

describe("succeededBackupsOf", () => {
  it("lists the cluster's Succeeded backups newest first", () => {
    const list = succeededBackupsOf("orders", [
      backup("old", "Succeeded", "2026-01-01T00:00:00Z"),
      backup("new", "Succeeded", "2026-02-01T00:00:00Z"),
      backup("bad", "Failed", "2026-03-01T00:00:00Z"),
    ]);
    expect(list.map((b) => b.metadata.name)).toEqual(["new", "old"]);
  });
});

describe("permissionFor", () => {
  it("needs patch on the object, or create of the run it starts", () => {
    expect(permissionFor("kafkaclusters", "stop")).toEqual({
      plural: "kafkaclusters",
      verb: "patch",
    });
    expect(permissionFor("mysqlclusters", "backup")).toEqual({
      plural: "mysqlbackups",
      verb: "create",
    });
    expect(permissionFor("mysqlbackups", "restore")).toEqual({
      plural: "mysqlrestores",
      verb: "create",
    });
  });
});
