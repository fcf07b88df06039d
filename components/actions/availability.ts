/**
 * Which actions of an object can be asked for right now, and why not: pure, from the object and
 * the runs (backups, restores) of its cluster, so that the rules are tested without a browser.
 * The API refuses the same cases with 409; the UI says so before the user tries.
 */
import type { ActionName } from "@/lib/api/kinds";
import type { Verb } from "@/lib/api/permissions";
import {
  at,
  clusterNameOf,
  isPaused,
  isStopped,
  stopStateOf,
  type Resource,
} from "../resources/model";

/** Whether one action can be asked for, and why not. */
export interface Availability {
  /** Shown at all (start is hidden on a running cluster, stop on a stopped one…). */
  shown: boolean;
  /** Why it cannot be asked for now; `undefined` when it can. */
  blockedBy?: string;
}

/** The runs of the object's cluster that can make it busy. */
export interface ClusterRuns {
  backups: readonly Resource[];
  restores: readonly Resource[];
}

const running = (run: Resource) =>
  run.status?.phase === undefined ||
  run.status.phase === "Pending" ||
  run.status.phase === "Running";

/** The unfinished restore into cluster `name`, if any. */
export function runningRestoreInto(
  name: string,
  restores: readonly Resource[],
): Resource | undefined {
  return restores.find((r) => running(r) && clusterNameOf(r) === name);
}

/** The unfinished backup of cluster `name`, if any. */
export function runningBackupOf(name: string, backups: readonly Resource[]): Resource | undefined {
  return backups.find((b) => running(b) && clusterNameOf(b) === name);
}

/** Succeeded backups of cluster `name`, newest first. */
export function succeededBackupsOf(name: string, backups: readonly Resource[]): Resource[] {
  const completed = (b: Resource) => {
    const at = b.status?.completedAt;
    return typeof at === "string" ? at : "";
  };
  return backups
    .filter((b) => b.status?.phase === "Succeeded" && clusterNameOf(b) === name)
    .sort((a, b) => completed(b).localeCompare(completed(a)));
}

/** Whether a cluster names at least one backup storage (`spec.backup.storages[]`). */
function hasBackupStorage(object: Resource): boolean {
  const storages = at(object.spec, ["backup", "storages"]);
  return Array.isArray(storages) && storages.length > 0;
}

/**
 * Availability of each action of `object`.
 *
 * @param actions - the kind's actions (`KindInfo.actions`).
 */
export function availability(
  object: Resource,
  actions: readonly ActionName[],
  runs: ClusterRuns,
): Partial<Record<ActionName, Availability>> {
  const name = object.metadata.name;
  const deleting = object.metadata.deletionTimestamp !== undefined;
  const restore =
    object.kind === "MySQLCluster" ? runningRestoreInto(name, runs.restores) : undefined;
  const backup = object.kind === "MySQLCluster" ? runningBackupOf(name, runs.backups) : undefined;
  const stopped = isStopped(object);
  /** Why a stopped (or stopping) cluster refuses an action that needs its servers. */
  const stoppedReason =
    stopStateOf(object) === "stopped" ? "The cluster is stopped" : "The cluster is stopping";
  const restoreBusy = restore
    ? `Restore ${restore.metadata.name} is running into this cluster; wait until it has finished.`
    : undefined;
  const deletingBusy = deleting ? "The object is being deleted." : undefined;
  const result: Partial<Record<ActionName, Availability>> = {};
  for (const action of actions) {
    switch (action) {
      case "start":
        result.start = { shown: stopped, blockedBy: deletingBusy };
        break;
      case "stop":
        result.stop = { shown: !stopped, blockedBy: deletingBusy ?? restoreBusy };
        break;
      case "backup":
        result.backup = {
          shown: true,
          blockedBy:
            deletingBusy ??
            (stopped ? `${stoppedReason}: start it to take a backup.` : undefined) ??
            (hasBackupStorage(object)
              ? undefined
              : "The cluster has no backup storage: add one to spec.backup.storages first.") ??
            (backup
              ? `Backup ${backup.metadata.name} is still running; wait until it has finished.`
              : undefined) ??
            restoreBusy,
        };
        break;
      case "restore": {
        const canRestoreFrom =
          object.kind === "MySQLBackup"
            ? object.status?.phase === "Succeeded"
              ? undefined
              : "Only a Succeeded backup can be restored."
            : succeededBackupsOf(name, runs.backups).length === 0
              ? "There is no Succeeded backup of this cluster to restore."
              : undefined;
        const anotherRestore = object.kind === "MySQLCluster" ? restoreBusy : undefined;
        const intoStopped =
          object.kind === "MySQLCluster" && stopped
            ? `${stoppedReason}: start it before restoring into it.`
            : undefined;
        result.restore = {
          shown: true,
          blockedBy: deletingBusy ?? anotherRestore ?? intoStopped ?? canRestoreFrom,
        };
        break;
      }
      case "switchover": {
        const replicas = typeof object.spec.replicas === "number" ? object.spec.replicas : 1;
        result.switchover = {
          shown: true,
          blockedBy:
            deletingBusy ??
            (stopped ? `${stoppedReason}: start it before a switchover.` : undefined) ??
            (replicas < 2 ? "A switchover needs at least one replica." : undefined) ??
            restoreBusy,
        };
        break;
      }
      case "pause":
        result.pause = { shown: !isPaused(object), blockedBy: deletingBusy };
        break;
      case "resume":
        result.resume = { shown: isPaused(object) };
        break;
    }
  }
  return result;
}

/**
 * The RBAC verb and plural an action needs: changing the object (patch), or creating the run
 * (`backup` creates a MySQLBackup, `restore` a MySQLRestore).
 */
export function permissionFor(plural: string, action: ActionName): { plural: string; verb: Verb } {
  if (action === "backup") return { plural: "mysqlbackups", verb: "create" };
  if (action === "restore") return { plural: "mysqlrestores", verb: "create" };
  return { plural, verb: "patch" };
}
