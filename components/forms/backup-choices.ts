import { at } from "../resources/model";

const text = (value: unknown) => (typeof value === "string" ? value : "");

/** One MySQLBackup as the select offers it. */
export interface BackupChoice {
  name: string;
  label: string;
  /** Why it cannot be restored (a Failed backup), or `undefined` when it can. */
  refused?: string;
}

/**
 * The choices for a MySQLRestore's `spec.backupName` from the namespace's MySQLBackups, newest
 * first: "name — cluster, phase, completion time". A Failed backup is listed but refused (the
 * operator would fail the restore); one still running is offered (the operator waits for it,
 * `WaitingForBackup`).
 *
 * @param backups - the MySQLBackup objects (`GET /api/v1/mysqlbackups?namespace=`).
 */
export function backupChoices(backups: readonly unknown[]): BackupChoice[] {
  const rows = backups.map((backup) => {
    const name = text(at(backup, ["metadata", "name"]));
    const cluster = text(at(backup, ["spec", "clusterName"]));
    const phase = text(at(backup, ["status", "phase"])) || "Pending";
    const completed = text(at(backup, ["status", "completedAt"]));
    const created = text(at(backup, ["metadata", "creationTimestamp"]));
    const when = completed ? `, completed ${completed}` : "";
    return {
      name,
      label: `${name} — ${cluster}, ${phase}${when}`,
      refused: phase === "Failed" ? "Failed backups cannot be restored" : undefined,
      sortKey: completed || created,
    };
  });
  rows.sort((a, b) => b.sortKey.localeCompare(a.sortKey) || a.name.localeCompare(b.name));
  return rows.map(({ name, label, refused }) => ({ name, label, refused }));
}
