"use client";

import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { z } from "zod";
import { BookmarkEventSchema, WATCH_EVENT } from "@/lib/api/watch-events";
import type { LiveState } from "../live/live-state";
import { safeJson, useEventStream } from "../live/use-event-stream";
import { applyChange, listFromSnapshot, type Deletion } from "./cache-updates";
import { resourceKeys } from "./keys";
import { ResourceSchema, type Resource, type ResourceListResponse } from "./model";

/**
 * Streams the changes of one kind in a namespace (or of one object) from
 * `GET /api/v1/watch/{plural}` into the react-query cache: each event updates the one object it
 * is about, with `setQueryData` (STYLE.md rule 7).
 */

const SnapshotSchema = z.object({ resourceVersion: z.string(), items: z.array(ResourceSchema) });
const ChangeSchema = z.object({
  type: z.enum(["ADDED", "MODIFIED", "DELETED"]),
  object: ResourceSchema,
});

/** Where a watch starts and which cache entries it feeds. */
export interface WatchTarget {
  plural: string;
  namespace: string;
  /** Watch only this object (detail view); else the namespace's list. */
  name?: string;
  /** Open the stream (once the initial GET has given a resourceVersion to start from). */
  enabled: boolean;
}

function watchUrl(target: WatchTarget, resourceVersion: string | undefined): string {
  const query = new URLSearchParams({ namespace: target.namespace });
  if (target.name) query.set("name", target.name);
  if (resourceVersion) query.set("resourceVersion", resourceVersion);
  return `/api/v1/watch/${encodeURIComponent(target.plural)}?${query.toString()}`;
}

/** The resourceVersion the cached data is current at: where a fresh stream starts. */
function cachedResourceVersion(client: QueryClient, t: WatchTarget): string | undefined {
  if (t.name) {
    const key = resourceKeys.detail(t.plural, t.namespace, t.name);
    return client.getQueryData<Resource>(key)?.metadata.resourceVersion;
  }
  return client.getQueryData<ResourceListResponse>(resourceKeys.list(t.plural, t.namespace))
    ?.resourceVersion;
}

/**
 * Writes one object into its detail entry. A deleted one (`null`) keeps its last known state
 * and gets a deletion record, so its page says "Deleted at …" instead of refetching into a 404;
 * an object there again (re-created) clears the record.
 */
function setDetail(
  client: QueryClient,
  t: Pick<WatchTarget, "plural" | "namespace">,
  name: string,
  value: Resource | null,
  deleted = value === null,
) {
  if (value) client.setQueryData(resourceKeys.detail(t.plural, t.namespace, name), value);
  const key = resourceKeys.deletion(t.plural, t.namespace, name);
  if (!deleted && client.getQueryData(key) === undefined) return;
  client.setQueryData<Deletion | null>(key, (seen) =>
    deleted ? (seen ?? { deletedAt: Date.now() }) : null,
  );
}

/** Handlers applying each watch event to the cache. */
function cacheHandlers(client: QueryClient, target: WatchTarget) {
  const listKey = resourceKeys.list(target.plural, target.namespace);
  // Detail entries are written for a list of any size only when someone reads them: writing
  // 5,000 entries per snapshot would cost more than the list itself.
  const detailCached = (name: string) =>
    client.getQueryData(resourceKeys.detail(target.plural, target.namespace, name)) !== undefined;
  return {
    [WATCH_EVENT.snapshot]: (event: MessageEvent<string>) => {
      const parsed = SnapshotSchema.safeParse(safeJson(event.data));
      if (!parsed.success) return;
      if (target.name) {
        setDetail(client, target, target.name, parsed.data.items[0] ?? null);
        return;
      }
      client.setQueryData(listKey, listFromSnapshot(parsed.data));
      for (const item of parsed.data.items) {
        if (detailCached(item.metadata.name)) setDetail(client, target, item.metadata.name, item);
      }
    },
    [WATCH_EVENT.change]: (event: MessageEvent<string>) => {
      const parsed = ChangeSchema.safeParse(safeJson(event.data));
      if (!parsed.success) return;
      const change = parsed.data;
      if (!target.name) {
        client.setQueryData<ResourceListResponse>(listKey, (list) =>
          list ? applyChange(list, change, event.lastEventId) : list,
        );
      }
      const name = change.object.metadata.name;
      if (target.name || detailCached(name)) {
        const deleted = change.type === "DELETED";
        setDetail(client, target, name, change.object, deleted);
      }
    },
    [WATCH_EVENT.bookmark]: (event: MessageEvent<string>) => {
      const parsed = BookmarkEventSchema.safeParse(safeJson(event.data));
      if (!parsed.success || target.name) return;
      client.setQueryData<ResourceListResponse>(listKey, (list) =>
        list ? { ...list, resourceVersion: parsed.data.resourceVersion } : list,
      );
    },
  };
}

/**
 * Keeps the cached objects of `target` current from the watch stream.
 *
 * @returns whether the view is live, reconnecting or stale, and since when.
 */
export function useResourceWatch(target: WatchTarget): LiveState {
  const client = useQueryClient();
  const { plural, namespace, name, enabled } = target;
  const handlers = useMemo(
    () => cacheHandlers(client, { plural, namespace, name, enabled }),
    [client, plural, namespace, name, enabled],
  );
  return useEventStream({
    enabled,
    streamKey: `${plural}/${namespace}/${name ?? ""}`,
    url: (lastEventId) => {
      const t = { plural, namespace, name, enabled };
      return watchUrl(t, lastEventId ?? cachedResourceVersion(client, t));
    },
    handlers,
  });
}
