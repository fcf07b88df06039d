import "server-only";
import { OPERATOR_SHARD_LABEL } from "@/lib/crds/common";

/** The operator's server-side apply field manager, and the `managed-by` label value. */
export const FIELD_MANAGER = "pilothouse-operator";

/** Names of the objects one MySQLCluster owns, derived from the cluster's name. */
export function ownedNames(cluster: string) {
  return {
    statefulSet: cluster,
    credentialsSecret: `${cluster}-credentials`,
    configMap: `${cluster}-config`,
    headlessService: `${cluster}-headless`,
    primaryService: `${cluster}-primary`,
    /** Read-only Service over the replicas. */
    replicasService: `${cluster}-replicas`,
    /** The primary of a new cluster: the StatefulSet's ordinal 0. Afterwards `status.primary`. */
    initialPrimaryPod: `${cluster}-0`,
  };
}

/** Keys of the credentials Secret. */
export const CREDENTIAL_KEYS = {
  rootPassword: "root-password",
  /** Password of {@link REPLICATION_USER}; added once to Secrets created before it existed. */
  replicationPassword: "replication-password",
} as const;

/** The account replicas use to read the primary's binary log (created by the operator). */
export const REPLICATION_USER = "pilothouse_repl";

/** The operator's administrative account on every server (created by the server image). */
export const ADMIN_USER = "root";

/** Label keys, from the Kubernetes recommended set. */
export const LABEL = {
  name: "app.kubernetes.io/name",
  instance: "app.kubernetes.io/instance",
  component: "app.kubernetes.io/component",
  managedBy: "app.kubernetes.io/managed-by",
  partOf: "app.kubernetes.io/part-of",
  /** Set by the StatefulSet controller on every pod. */
  podName: "statefulset.kubernetes.io/pod-name",
  /** Set by the StatefulSet controller on every pod (Kubernetes 1.28+). */
  podIndex: "apps.kubernetes.io/pod-index",
} as const;

/** `app.kubernetes.io/name` of everything a MySQLCluster owns. */
export const APP_NAME = "mysql";

/**
 * Labels that select one cluster's pods. They go into the StatefulSet's selector, which is
 * immutable: never change them.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
 */
export function selectorLabels(cluster: string): Record<string, string> {
  return { [LABEL.name]: APP_NAME, [LABEL.instance]: cluster };
}

/** Labels on every object (and pod) a cluster owns. */
export function clusterLabels(cluster: string): Record<string, string> {
  return {
    ...selectorLabels(cluster),
    [LABEL.component]: "database",
    [LABEL.managedBy]: FIELD_MANAGER,
    [LABEL.partOf]: "pilothouse",
  };
}

/** Selects every pod and StatefulSet of every MySQLCluster (what the operator watches). */
export const MANAGED_SELECTOR = `${LABEL.name}=${APP_NAME},${LABEL.managedBy}=${FIELD_MANAGER}`;

/** Selects one cluster's pods, as a label selector string. */
export function podSelector(cluster: string): string {
  return Object.entries(selectorLabels(cluster))
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
}

/**
 * The label selector of the clusters one operator shard serves: `pilothouse.dev/operator-shard=x`
 * for shard x, and `!pilothouse.dev/operator-shard` (label absent) for the default operator.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#set-based-requirement
 */
export function shardSelector(shard: string | undefined): string {
  return shard ? `${OPERATOR_SHARD_LABEL}=${shard}` : `!${OPERATOR_SHARD_LABEL}`;
}
