import type { Resource, ResourceListResponse } from "./model";

/**
 * Pure updates of cached lists from watch events, for every kind: the list is changed in place of
 * one object, never refetched. Objects are matched by namespace and name; resourceVersions are
 * carried as opaque strings and never compared (STYLE.md rule 8).
 */

/** One watch change: ADDED, MODIFIED or DELETED. */
export interface ResourceChange {
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: Resource;
}

const key = (o: Resource) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;

const byName = (a: Resource, b: Resource) =>
  (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "") ||
  a.metadata.name.localeCompare(b.metadata.name);

/** The list after a snapshot: exactly the snapshot's items, sorted by namespace and name. */
export function listFromSnapshot(snapshot: {
  items: Resource[];
  resourceVersion: string;
}): ResourceListResponse {
  return { items: [...snapshot.items].sort(byName), resourceVersion: snapshot.resourceVersion };
}

/**
 * The list after one change. ADDED and MODIFIED replace the object in place or insert it in
 * order (binary search: lists of thousands stay cheap); DELETED removes it. The list's
 * resourceVersion becomes the event's (`eventId`).
 */
export function applyChange(
  list: ResourceListResponse,
  change: ResourceChange,
  eventId: string,
): ResourceListResponse {
  const wanted = key(change.object);
  const index = list.items.findIndex((item) => key(item) === wanted);
  const items = [...list.items];
  if (change.type === "DELETED") {
    if (index >= 0) items.splice(index, 1);
  } else if (index >= 0) {
    items[index] = change.object;
  } else {
    let low = 0;
    let high = items.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const item = items[mid];
      if (item && byName(item, change.object) < 0) low = mid + 1;
      else high = mid;
    }
    items.splice(low, 0, change.object);
  }
  return { items, resourceVersion: eventId };
}

/** A detail view's object was deleted (seen by the watch) at `deletedAt` (ms since the epoch). */
export interface Deletion {
  deletedAt: number;
}
