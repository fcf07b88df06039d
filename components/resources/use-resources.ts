"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { NamespaceListSchema } from "@/lib/api/permissions";
import { EventListSchema, PodListSchema } from "@/lib/api/related";
import { fetchJson } from "../api/fetch-json";
import { failureOf } from "../api/retry";
import { liveWithQuery, type LiveState } from "../live/live-state";
import type { Deletion } from "./cache-updates";
import { permissionKeys, resourceKeys } from "./keys";
import { ResourceListResponseSchema, ResourceSchema, type Resource } from "./model";
import { AnyPermissionsSchema } from "./permissions";
import { useResourceWatch } from "./use-resource-watch";

/**
 * The one hook per resource (STYLE.md rule 7), generic over the kind's plural: data from the
 * REST API, kept current by the watch stream, with the live state of the view.
 */

const enc = encodeURIComponent;

/** The view's live state: the stream's, or the load's failure while there is no data. */
function viewLive(
  live: LiveState,
  query: {
    status: "pending" | "error" | "success";
    error: Error | null;
    failureReason: Error | null;
    dataUpdatedAt: number;
  },
): LiveState {
  const failure = failureOf(query.error ?? query.failureReason);
  return liveWithQuery(live, { status: query.status, failure, dataUpdatedAt: query.dataUpdatedAt });
}

/** How often a list that is not watched is read again, in milliseconds. */
const UNWATCHED_REFRESH_MS = 30_000;

/**
 * Objects of a kind in a namespace, live.
 *
 * @param options.watch - false to read the list every 30 s instead of opening a stream: a page
 *   showing many kinds keeps under the browser's six connections per origin (HTTP/1.1), which
 *   open event streams would otherwise use up.
 */
export function useResourceList(
  plural: string,
  namespace: string,
  options: { watch?: boolean; enabled?: boolean } = {},
) {
  const enabled = options.enabled ?? true;
  const watch = (options.watch ?? true) && enabled;
  const query = useQuery({
    enabled,
    queryKey: resourceKeys.list(plural, namespace),
    queryFn: () =>
      fetchJson(`/api/v1/${enc(plural)}?namespace=${enc(namespace)}`, ResourceListResponseSchema),
    // The watch keeps the entry current; a refetch would only race it.
    staleTime: watch ? Infinity : UNWATCHED_REFRESH_MS,
    refetchInterval: watch ? false : UNWATCHED_REFRESH_MS,
  });
  const live = useResourceWatch({ plural, namespace, enabled: watch && query.isSuccess });
  return { query, live: viewLive(live, query) };
}

/**
 * One object, live, with when the watch saw it deleted (`deletion`, `null` while it exists; the
 * query keeps its last known state).
 *
 * @param initial - the object as the page's server render read it, if it did.
 */
export function useResource(plural: string, namespace: string, name: string, initial?: Resource) {
  const query = useQuery({
    queryKey: resourceKeys.detail(plural, namespace, name),
    queryFn: () =>
      fetchJson(`/api/v1/namespaces/${enc(namespace)}/${enc(plural)}/${enc(name)}`, ResourceSchema),
    initialData: initial,
    staleTime: Infinity,
  });
  // Written only by the watch (setQueryData); never fetched.
  const deletion = useQuery<Deletion | null>({
    queryKey: resourceKeys.deletion(plural, namespace, name),
    queryFn: () => null,
    initialData: null,
    staleTime: Infinity,
  });
  const live = useResourceWatch({ plural, namespace, name, enabled: query.isSuccess });
  return { query, live: viewLive(live, query), deletion: deletion.data };
}

/** How often pods and Events are read again while a page is open (they have no watch route). */
const RELATED_REFRESH_MS = 10_000;

const relatedUrl = (plural: string, namespace: string, name: string, what: string) =>
  `/api/v1/namespaces/${enc(namespace)}/${enc(plural)}/${enc(name)}/${what}`;

/**
 * Reads a related list again as soon as the live object's `resourceVersion` changes (the operator
 * wrote status, e.g. "Ready 3/3"), so the pods and Events under the summary agree with it within
 * a moment instead of up to one poll later. The first render does not refetch.
 */
function useRefetchOnChange(
  resourceVersion: string | undefined,
  refetch: (options: { cancelRefetch: boolean }) => unknown,
) {
  const seen = useRef(resourceVersion);
  useEffect(() => {
    if (resourceVersion === undefined || seen.current === resourceVersion) return;
    seen.current = resourceVersion;
    // A fetch already running started before this change: start a new one after it.
    void refetch({ cancelRefetch: true });
  }, [resourceVersion, refetch]);
}

/**
 * The pods that run one object: read again when the object's `resourceVersion` changes and every
 * 10 s besides (pods change without the object changing).
 */
export function usePods(plural: string, namespace: string, name: string, resourceVersion?: string) {
  const query = useQuery({
    queryKey: resourceKeys.related(plural, namespace, name, "pods"),
    queryFn: () => fetchJson(relatedUrl(plural, namespace, name, "pods"), PodListSchema),
    refetchInterval: RELATED_REFRESH_MS,
  });
  useRefetchOnChange(resourceVersion, query.refetch);
  return query;
}

/**
 * The Events about one object and its pods and PVCs, newest first: read again when the object's
 * `resourceVersion` changes and every 10 s besides.
 */
export function useEvents(
  plural: string,
  namespace: string,
  name: string,
  resourceVersion?: string,
) {
  const query = useQuery({
    queryKey: resourceKeys.related(plural, namespace, name, "events"),
    queryFn: () => fetchJson(relatedUrl(plural, namespace, name, "events"), EventListSchema),
    refetchInterval: RELATED_REFRESH_MS,
  });
  useRefetchOnChange(resourceVersion, query.refetch);
  return query;
}

/** What the user may do in a namespace, for every kind (Kubernetes RBAC, one review). */
export function useNamespacePermissions(namespace: string) {
  return useQuery({
    queryKey: permissionKeys.namespace(namespace),
    queryFn: () =>
      fetchJson(`/api/v1/namespaces/${enc(namespace)}/permissions`, AnyPermissionsSchema),
    staleTime: 60_000,
  });
}

/** The namespaces the user may see (`GET /api/v1/namespaces`), read again every minute. */
export function useVisibleNamespaces() {
  return useQuery({
    queryKey: ["namespaces", null, null, {}] as const,
    queryFn: () => fetchJson("/api/v1/namespaces", NamespaceListSchema),
    staleTime: 60_000,
  });
}

/** At most this many namespaces are watched live by an all-namespaces view (2 kinds × 2 = 4 streams). */
export const MAX_LIVE_NAMESPACES = 2;

/** How often an all-namespaces view over more namespaces is read again, in milliseconds. */
export const ALL_NAMESPACES_REFRESH_MS = 10_000;

/** The least current of two live states. */
function worse(a: LiveState, b: LiveState): LiveState {
  const rank: Record<LiveState["status"], number> = {
    refused: 0,
    stale: 1,
    reconnecting: 2,
    connecting: 3,
    live: 4,
  };
  return rank[b.status] < rank[a.status] ? b : a;
}

/** What an all-namespaces view shows: the objects, and how they are kept current. */
export interface AllNamespacesList {
  /** Every object of the kind in every visible namespace; `undefined` until loaded. */
  items: Resource[] | undefined;
  isPending: boolean;
  error: Error | null;
  /**
   * `live`: one watch stream per namespace (at most {@link MAX_LIVE_NAMESPACES}); `polling`:
   * the merged list (`GET /api/v1/{plural}`) read every {@link ALL_NAMESPACES_REFRESH_MS}.
   */
  mode: "live" | "polling";
  /** The streams' state (mode `live`) or the polled query's (mode `polling`). */
  live: LiveState;
  /** When the polled list was last read, in milliseconds since the epoch; 0 when never. */
  refreshedAt: number;
}

/**
 * Objects of a kind in every namespace the user may see, kept current: live per namespace when
 * there are at most {@link MAX_LIVE_NAMESPACES} of them, else by reading the merged list every
 * 10 s, so that a page never holds more than a few of the browser's six connections per origin.
 *
 * @param namespaces - the visible namespaces ({@link useVisibleNamespaces}); `undefined` while
 *   they load.
 */
export function useAllNamespacesList(
  plural: string,
  namespaces: readonly string[] | undefined,
): AllNamespacesList {
  const known = namespaces !== undefined;
  const liveMode = known && namespaces.length <= MAX_LIVE_NAMESPACES;
  const first = namespaces?.[0];
  const second = namespaces?.[1];
  const one = useResourceList(plural, first ?? "", { enabled: liveMode && first !== undefined });
  const two = useResourceList(plural, second ?? "", { enabled: liveMode && second !== undefined });
  const polled = useQuery({
    queryKey: resourceKeys.list(plural, ""),
    queryFn: () => fetchJson(`/api/v1/${enc(plural)}`, ResourceListResponseSchema),
    enabled: known && !liveMode,
    refetchInterval: ALL_NAMESPACES_REFRESH_MS,
  });
  if (liveMode) {
    const used = [...(first === undefined ? [] : [one]), ...(second === undefined ? [] : [two])];
    const loaded = used.every((l) => l.query.data !== undefined);
    return {
      items: loaded ? used.flatMap((l) => l.query.data?.items ?? []) : undefined,
      isPending: used.some((l) => l.query.isPending),
      error: used.map((l) => l.query.error).find((e) => e !== null) ?? null,
      mode: "live",
      live: used.map((l) => l.live).reduce(worse, { status: "live", since: null }),
      refreshedAt: 0,
    };
  }
  return {
    items: polled.data?.items,
    isPending: !known || polled.isPending,
    error: polled.error,
    mode: "polling",
    live: viewLive({ status: "connecting", since: null }, polled),
    refreshedAt: polled.dataUpdatedAt,
  };
}
