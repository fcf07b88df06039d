/**
 * The one react-query key factory for MySQLClusters (STYLE.md rule 7): every key is
 * `["mysqlclusters", namespace, name, params]`, `name` being `null` for lists, so that
 * `["mysqlclusters", namespace]` matches everything cached for a namespace.
 */
export type MySQLClusterListParams = Record<string, never>;

export const mysqlClusterKeys = {
  all: ["mysqlclusters"] as const,
  namespace: (namespace: string) => ["mysqlclusters", namespace] as const,
  list: (namespace: string, params: MySQLClusterListParams = {}) =>
    ["mysqlclusters", namespace, null, params] as const,
  detail: (namespace: string, name: string) => ["mysqlclusters", namespace, name, {}] as const,
  /** When the watch saw the object deleted ({@link Deletion}), or `null`. */
  deletion: (namespace: string, name: string) =>
    ["mysqlclusters", namespace, name, { deletion: true }] as const,
};

/** The same shape for the user's permissions in a namespace. */
export const permissionKeys = {
  namespace: (namespace: string) => ["permissions", namespace, null, {}] as const,
};
