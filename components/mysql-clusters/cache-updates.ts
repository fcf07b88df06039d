import type { MySQLClusterList } from "@/lib/api/mysql-clusters";
import type { ChangeEvent, SnapshotEvent } from "@/lib/api/watch-events";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";

/**
 * Pure updates of cached MySQLCluster data from watch events: the list is changed in place of
 * one object, never refetched. Objects are matched by namespace and name; resourceVersions are
 * carried as opaque strings and never compared.
 */

const sameObject = (a: MySQLCluster, b: MySQLCluster) =>
  a.metadata.name === b.metadata.name && a.metadata.namespace === b.metadata.namespace;

const byName = (a: MySQLCluster, b: MySQLCluster) =>
  (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "") ||
  a.metadata.name.localeCompare(b.metadata.name);

/** The list after a snapshot: exactly the snapshot's items, sorted by namespace and name. */
export function listFromSnapshot(snapshot: SnapshotEvent): MySQLClusterList {
  return { items: [...snapshot.items].sort(byName), resourceVersion: snapshot.resourceVersion };
}

/**
 * The list after one change. ADDED and MODIFIED replace the object or insert it in order;
 * DELETED removes it. The list's resourceVersion becomes the event's (`eventId`).
 */
export function applyChangeToList(
  list: MySQLClusterList,
  change: ChangeEvent,
  eventId: string,
): MySQLClusterList {
  const rest = list.items.filter((item) => !sameObject(item, change.object));
  const items = change.type === "DELETED" ? rest : [...rest, change.object].sort(byName);
  return { items, resourceVersion: eventId };
}

/** The list with only its resourceVersion moved forward (a bookmark). */
export function withResourceVersion(list: MySQLClusterList, eventId: string): MySQLClusterList {
  return { ...list, resourceVersion: eventId };
}

/** A detail view's object was deleted (seen by the watch) at `deletedAt` (ms since the epoch). */
export interface Deletion {
  deletedAt: number;
}

/**
 * The deletion record of a detail view after a change: set on DELETED, cleared when the object
 * is there again (re-created with the same name), so the view can say "Deleted at …" and then
 * show the new object.
 *
 * @param at - when the event arrived, in milliseconds since the epoch.
 */
export function deletionAfterChange(
  change: Pick<ChangeEvent, "type">,
  at: number,
): Deletion | null {
  return change.type === "DELETED" ? { deletedAt: at } : null;
}

/** The one object of a detail view after a change, or `null` when it was deleted. */
export function applyChangeToDetail(change: ChangeEvent): MySQLCluster | null {
  return change.type === "DELETED" ? null : change.object;
}
