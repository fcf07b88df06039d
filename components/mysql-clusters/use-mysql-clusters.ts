"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  MySQLClusterListSchema,
  type CreateMySQLClusterRequest,
  type MySQLClusterList,
} from "@/lib/api/mysql-clusters";
import { PermissionsSchema } from "@/lib/api/permissions";
import { MySQLClusterSchema } from "@/lib/crds/mysql-cluster";
import { fetchJson, postJson } from "../api/fetch-json";
import { applyChangeToList } from "./cache-updates";
import { mysqlClusterKeys, permissionKeys } from "./keys";
import { useMySQLClusterWatch } from "./use-mysql-cluster-watch";

/**
 * The one hook per resource (STYLE.md rule 7): data from the REST API, kept current by the
 * watch stream, with the live state of the view.
 */

const enc = encodeURIComponent;

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
  return { query, live };
}

/** One MySQLCluster, live. */
export function useMySQLCluster(namespace: string, name: string) {
  const query = useQuery({
    queryKey: mysqlClusterKeys.detail(namespace, name),
    queryFn: () =>
      fetchJson(
        `/api/v1/namespaces/${enc(namespace)}/mysqlclusters/${enc(name)}`,
        MySQLClusterSchema,
      ),
    staleTime: Infinity,
  });
  const live = useMySQLClusterWatch({ namespace, name, enabled: query.isSuccess });
  return { query, live };
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
