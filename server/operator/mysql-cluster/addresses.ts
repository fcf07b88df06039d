import "server-only";
import type { V1Pod } from "@kubernetes/client-node";
import type { InstanceAddress, ResolveAddress } from "@/server/mysql";
import { LABEL, ownedNames } from "./names";

/** The port every server listens on inside its pod. */
export const MYSQL_PORT = 3306;

/**
 * The seam between pods and servers: how the operator reaches the server of a pod. Injected into
 * the reconciler so that tests can bind pods (KWOK pods run no containers) to local servers.
 */
export type PodAddressResolver = ResolveAddress<V1Pod>;

/**
 * Production: the pod's stable DNS name in the cluster's headless Service,
 * `<pod>.<cluster>-headless.<namespace>.svc`, port 3306. The cluster is the pod's
 * `app.kubernetes.io/instance` label.
 *
 * @throws Error for a pod without name, namespace or that label (not one of the operator's).
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id
 */
export const headlessServiceAddress: PodAddressResolver = (pod) => {
  const { name, namespace, labels } = pod.metadata ?? {};
  const cluster = labels?.[LABEL.instance];
  if (!name || !namespace || !cluster) {
    throw new Error(`pod ${namespace ?? "?"}/${name ?? "?"} is not a MySQLCluster server`);
  }
  const service = ownedNames(cluster).headlessService;
  return { host: `${name}.${service}.${namespace}.svc`, port: MYSQL_PORT };
};

/**
 * A resolver that answers from `overrides` (keyed `namespace/pod`) and falls back to `fallback`
 * for every other pod. The operator builds it from `PILOTHOUSE_OPERATOR_INSTANCE_ADDRESSES`, which
 * tests and local development use to point pods at servers outside the cluster.
 */
export function resolverWithOverrides(
  overrides: ReadonlyMap<string, InstanceAddress>,
  fallback: PodAddressResolver = headlessServiceAddress,
): PodAddressResolver {
  if (overrides.size === 0) return fallback;
  return (pod) => {
    const key = `${pod.metadata?.namespace ?? ""}/${pod.metadata?.name ?? ""}`;
    return overrides.get(key) ?? fallback(pod);
  };
}
