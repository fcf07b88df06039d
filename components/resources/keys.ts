/**
 * The one react-query key factory for Pilothouse objects (STYLE.md rule 7): every key is
 * `[plural, namespace, name, params]`, `name` being `null` for lists, so that
 * `[plural, namespace]` matches everything cached for a namespace. The MySQLCluster keys of
 * `components/mysql-clusters/keys.ts` have the same shape, so both feed the same entries.
 */
export const resourceKeys = {
  all: (plural: string) => [plural] as const,
  namespace: (plural: string, namespace: string) => [plural, namespace] as const,
  list: (plural: string, namespace: string) => [plural, namespace, null, {}] as const,
  detail: (plural: string, namespace: string, name: string) =>
    [plural, namespace, name, {}] as const,
  /** When the watch saw the object deleted, or `null`. */
  deletion: (plural: string, namespace: string, name: string) =>
    [plural, namespace, name, { deletion: true }] as const,
  /** Pods or Events of one object. */
  related: (plural: string, namespace: string, name: string, what: "pods" | "events") =>
    [plural, namespace, name, { related: what }] as const,
};

/** The user's permissions in a namespace (same shape). */
export const permissionKeys = {
  namespace: (namespace: string) => ["permissions", namespace, null, {}] as const,
};

/** Alerts (Alertmanager, Warning Events) of a namespace. */
export const alertKeys = {
  namespace: (namespace: string) => ["alerts", namespace, null, {}] as const,
};
