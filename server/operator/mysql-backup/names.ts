import "server-only";
import { createHash } from "node:crypto";
import { BACKUP_LABEL } from "@/lib/crds/mysql-backup";
import { FIELD_MANAGER, LABEL } from "../mysql-cluster/names";

/** `app.kubernetes.io/name` of backup Jobs and their pods. */
export const BACKUP_APP_NAME = "mysql-backup";

/** Label on a backup Job naming its MySQLBackup (the informer maps Job events back with it). */
export const BACKUP_NAME_LABEL = "mysql.pilothouse.dev/backup";

/** Selects every backup Job the operator created. */
export const BACKUP_JOB_SELECTOR = `${LABEL.name}=${BACKUP_APP_NAME},${LABEL.managedBy}=${FIELD_MANAGER}`;

/** The backup container's name in the Job's pod. */
export const BACKUP_CONTAINER = "backup";

/** Longest Job name: the Job controller copies it into the pods' `job-name` label (≤ 63). */
const MAX_JOB_NAME = 63;

/**
 * The Job of a MySQLBackup: `<backup>-backup`, or, for long names, the first 45 characters, a
 * hash of the whole name and `-backup`, so that it stays unique and fits a label value.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-labels
 */
export function backupJobName(backup: string): string {
  const plain = `${backup}-backup`;
  if (plain.length <= MAX_JOB_NAME) return plain;
  const hash = createHash("sha256").update(backup).digest("hex").slice(0, 8);
  return `${backup.slice(0, 45).replace(/[-.]+$/, "")}-${hash}-backup`;
}

/**
 * The backup's name inside its storage (under the storage prefix): `<namespace>/<cluster>/<backup>`,
 * so that clusters and namespaces sharing a bucket never collide.
 */
export function backupObjectName(namespace: string, cluster: string, backup: string): string {
  return `${namespace}/${cluster}/${backup}`;
}

/** Labels of a MySQLBackup created by a schedule (retention selects its runs by them). */
export function scheduleRunLabels(cluster: string, schedule: string): Record<string, string> {
  return { [BACKUP_LABEL.cluster]: cluster, [BACKUP_LABEL.schedule]: schedule };
}

/** Label selector of one schedule's runs. */
export function scheduleRunSelector(cluster: string, schedule: string): string {
  return Object.entries(scheduleRunLabels(cluster, schedule))
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
}

/**
 * The MySQLBackup of one schedule run: `<cluster>-<schedule>-<yyyymmddhhmm>` with the tick's UTC
 * time, so that creating it twice for one tick is one object (AlreadyExists).
 */
export function scheduleRunName(cluster: string, schedule: string, tick: Date): string {
  const stamp = tick.toISOString().slice(0, 16).replace(/[-T:]/g, "");
  return `${cluster}-${schedule}-${stamp}`;
}
