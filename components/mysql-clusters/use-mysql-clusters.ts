"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  MySQLClusterListSchema,
  type CreateMySQLClusterRequest,
  type MySQLClusterList,
} from "@/lib/api/mysql-clusters";
import { PermissionsSchema } from "@/lib/api/permissions";
import { MySQLClusterSchema, type MySQLCluster } from "@/lib/crds/mysql-cluster";
import { fetchJson, postJson } from "../api/fetch-json";
import { failureOf } from "../api/retry";
import { liveWithQuery, type LiveState } from "../live/live-state";
import { applyChangeToList, type Deletion } from "./cache-updates";
import { mysqlClusterKeys, permissionKeys } from "./keys";
import { useMySQLClusterWatch } from "./use-mysql-cluster-watch";

/**
 * The one hook per resource (STYLE.md rule 7): data from the REST API, kept current by the
 * watch stream, with the live state of the view.
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

/** MySQLClusters of a namespace, live. */
export function useMySQLClusters(namespace: string) {
  const query = useQuery({
    queryKey: mysqlClusterKeys.list(namespace),
    queryFn: () =>
      fetchJson(`/api/v1/mysqlclusters?namespace=${enc(namespace)}`, MySQLClusterListSchema),
    // The watch keeps the entry current; a refetch would only race it.
    staleTime: Infinity,
  });
  const live = useMySQLClusterWatch({ namespace, enabled: query.isSuccess });
  return { query, live: viewLive(live, query) };
}

/**
 * One MySQLCluster, live, with when the watch saw it deleted (`deletion`, `null` while it
 * exists; the query keeps its last known state).
 *
 * @param initial - the object as the page's server render read it, if it did.
 */
export function useMySQLCluster(namespace: string, name: string, initial?: MySQLCluster) {
  const query = useQuery({
    queryKey: mysqlClusterKeys.detail(namespace, name),
    queryFn: () =>
      fetchJson(
        `/api/v1/namespaces/${enc(namespace)}/mysqlclusters/${enc(name)}`,
        MySQLClusterSchema,
      ),
    initialData: initial,
    staleTime: Infinity,
  });
  // Written only by the watch (setQueryData); never fetched.
  const deletion = useQuery<Deletion | null>({
    queryKey: mysqlClusterKeys.deletion(namespace, name),
    queryFn: () => null,
    initialData: null,
    staleTime: Infinity,
  });
  const live = useMySQLClusterWatch({ namespace, name, enabled: query.isSuccess });
  return { query, live: viewLive(live, query), deletion: deletion.data };
}

/** Creates a MySQLCluster; the new object goes into the cache at once (the watch confirms it). */
export function useCreateMySQLCluster() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (request: CreateMySQLClusterRequest) => {
      const namespace = request.metadata.namespace ?? "";
      return fetchJson(
        `/api/v1/namespaces/${enc(namespace)}/mysqlclusters`,
        MySQLClusterSchema,
        postJson(request),
      );
    },
    onSuccess: (created) => {
      const namespace = created.metadata.namespace ?? "";
      client.setQueryData(mysqlClusterKeys.detail(namespace, created.metadata.name), created);
      client.setQueryData<MySQLClusterList>(mysqlClusterKeys.list(namespace), (list) =>
        list
          ? applyChangeToList(list, { type: "ADDED", object: created }, list.resourceVersion)
          : list,
      );
    },
  });
}

/** What the user may do with MySQLClusters in a namespace (Kubernetes RBAC). */
export function usePermissions(namespace: string) {
  return useQuery({
    queryKey: permissionKeys.namespace(namespace),
    queryFn: () => fetchJson(`/api/v1/namespaces/${enc(namespace)}/permissions`, PermissionsSchema),
    staleTime: 60_000,
  });
}

/**
 * Whether the user may create MySQLClusters in `namespace`, and why not: `pending` while the
 * permissions are being checked (not allowed until known).
 */
export function useCreatePermission(namespace: string): {
  allowed: boolean;
  pending: boolean;
  reason: string;
} {
  const permissions = usePermissions(namespace);
  const decision = permissions.data?.mysqlclusters.create;
  const reason = permissions.isPending
    ? "Checking your permissions…"
    : permissions.isError
      ? `Your permissions could not be checked: ${permissions.error.message}`
      : (decision?.reason ?? "");
  return { allowed: decision?.allowed === true, pending: permissions.isPending, reason };
}
