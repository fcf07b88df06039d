import "server-only";
import { createHash } from "node:crypto";
import { FIELD_MANAGER, LABEL } from "../mysql-cluster/names";

/** `app.kubernetes.io/name` of restore Jobs and their pods. */
export const RESTORE_APP_NAME = "mysql-restore";

/** Label on a restore Job naming its MySQLRestore. */
export const RESTORE_NAME_LABEL = "mysql.pilothouse.dev/restore";

/** Selects every restore Job the operator created. */
export const RESTORE_JOB_SELECTOR = `${LABEL.name}=${RESTORE_APP_NAME},${LABEL.managedBy}=${FIELD_MANAGER}`;

/** The restore container's name in the Job's pod. */
export const RESTORE_CONTAINER = "restore";

/** Longest Job name: the Job controller copies it into the pods' `job-name` label (≤ 63). */
const MAX_JOB_NAME = 63;

/**
 * The Job of a MySQLRestore: `<restore>-restore`, or, for long names, the first 44 characters, a
 * hash of the whole name and `-restore`, so that it stays unique and fits a label value.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-labels
 */
export function restoreJobName(restore: string): string {
  const plain = `${restore}-restore`;
  if (plain.length <= MAX_JOB_NAME) return plain;
  const hash = createHash("sha256").update(restore).digest("hex").slice(0, 8);
  return `${restore.slice(0, 44).replace(/[-.]+$/, "")}-${hash}-restore`;
}
