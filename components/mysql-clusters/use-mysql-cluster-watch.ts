"use client";

import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import type { MySQLClusterList } from "@/lib/api/mysql-clusters";
import {
  BookmarkEventSchema,
  ChangeEventSchema,
  SnapshotEventSchema,
  WATCH_EVENT,
} from "@/lib/api/watch-events";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";
import type { LiveState } from "../live/live-state";
import { safeJson, useEventStream } from "../live/use-event-stream";
import {
  applyChangeToDetail,
  applyChangeToList,
  deletionAfterChange,
  type Deletion,
  listFromSnapshot,
  withResourceVersion,
} from "./cache-updates";
import { mysqlClusterKeys } from "./keys";

/**
 * Streams MySQLCluster changes of a namespace (or of one object) into the react-query cache:
 * each event updates the one object it is about, with `setQueryData`.
 */

/** Where a watch starts and which cache entries it feeds. */
export interface WatchTarget {
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
  return `/api/v1/watch/mysqlclusters?${query.toString()}`;
}

/** The resourceVersion the cached data is current at: where a fresh stream starts. */
function cachedResourceVersion(client: QueryClient, target: WatchTarget): string | undefined {
  if (target.name) {
    const key = mysqlClusterKeys.detail(target.namespace, target.name);
    return client.getQueryData<MySQLCluster>(key)?.metadata.resourceVersion;
  }
  return client.getQueryData<MySQLClusterList>(mysqlClusterKeys.list(target.namespace))
    ?.resourceVersion;
}

/**
 * Writes one object into its detail entry. A deleted one (`null`) keeps its last known state in
 * the entry and gets a deletion record, so its page says "Deleted at …" instead of refetching
 * into a 404; an object there again (re-created) clears the record.
 */
function setDetail(
  client: QueryClient,
  namespace: string,
  name: string,
  value: MySQLCluster | null,
  deleted = value === null,
) {
  if (value) client.setQueryData(mysqlClusterKeys.detail(namespace, name), value);
  const deletion = deletionAfterChange({ type: deleted ? "DELETED" : "MODIFIED" }, Date.now());
  const key = mysqlClusterKeys.deletion(namespace, name);
  if (!deletion && client.getQueryData(key) === undefined) return;
  // Keep the first deletion time when a later snapshot confirms it.
  client.setQueryData<Deletion | null>(key, (seen) => (deletion ? (seen ?? deletion) : null));
}

/** Handlers applying each watch event to the cache. */
function cacheHandlers(client: QueryClient, target: WatchTarget) {
  const listKey = mysqlClusterKeys.list(target.namespace);
  const ns = target.namespace;
  return {
    [WATCH_EVENT.snapshot]: (event: MessageEvent<string>) => {
      const parsed = SnapshotEventSchema.safeParse(safeJson(event.data));
      if (!parsed.success) return;
      if (target.name) {
        setDetail(client, ns, target.name, parsed.data.items[0] ?? null);
        return;
      }
      client.setQueryData(listKey, listFromSnapshot(parsed.data));
      for (const item of parsed.data.items) setDetail(client, ns, item.metadata.name, item);
    },
    [WATCH_EVENT.change]: (event: MessageEvent<string>) => {
      const parsed = ChangeEventSchema.safeParse(safeJson(event.data));
      if (!parsed.success) return;
      const change = parsed.data;
      if (!target.name) {
        client.setQueryData<MySQLClusterList>(listKey, (list) =>
          list ? applyChangeToList(list, change, event.lastEventId) : list,
        );
      }
      const deleted = applyChangeToDetail(change) === null;
      setDetail(client, ns, change.object.metadata.name, change.object, deleted);
    },
    [WATCH_EVENT.bookmark]: (event: MessageEvent<string>) => {
      const parsed = BookmarkEventSchema.safeParse(safeJson(event.data));
      if (!parsed.success || target.name) return;
      client.setQueryData<MySQLClusterList>(listKey, (list) =>
        list ? withResourceVersion(list, parsed.data.resourceVersion) : list,
      );
    },
  };
}

/**
 * Keeps the cached MySQLClusters of `target` current from the watch stream.
 *
 * @returns whether the view is live, reconnecting or stale, and since when.
 */
export function useMySQLClusterWatch(target: WatchTarget): LiveState {
  const client = useQueryClient();
  const { namespace, name, enabled } = target;
  const handlers = useMemo(
    () => cacheHandlers(client, { namespace, name, enabled }),
    [client, namespace, name, enabled],
  );
  return useEventStream({
    enabled,
    streamKey: `${namespace}/${name ?? ""}`,
    url: (lastEventId) =>
      watchUrl(target, lastEventId ?? cachedResourceVersion(client, { namespace, name, enabled })),
    handlers,
  });
}
