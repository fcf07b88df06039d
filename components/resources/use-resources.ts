"use client";

import { useQuery } from "@tanstack/react-query";
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
  options: { watch?: boolean } = {},
) {
  const watch = options.watch ?? true;
  const query = useQuery({
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

/** The pods that run one object, refreshed every 10 s. */
export function usePods(plural: string, namespace: string, name: string) {
  return useQuery({
    queryKey: resourceKeys.related(plural, namespace, name, "pods"),
    queryFn: () => fetchJson(relatedUrl(plural, namespace, name, "pods"), PodListSchema),
    refetchInterval: RELATED_REFRESH_MS,
  });
}

/** The Events about one object, newest first, refreshed every 10 s. */
export function useEvents(plural: string, namespace: string, name: string) {
  return useQuery({
    queryKey: resourceKeys.related(plural, namespace, name, "events"),
    queryFn: () => fetchJson(relatedUrl(plural, namespace, name, "events"), EventListSchema),
    refetchInterval: RELATED_REFRESH_MS,
  });
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
