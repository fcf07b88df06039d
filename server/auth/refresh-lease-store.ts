import "server-only";
import { CoordinationV1Api, KubeConfig, V1MicroTime, type V1Lease } from "@kubernetes/client-node";
import { KubeApiError, toKubeError } from "../kube/errors";
import type { RefreshLease, RefreshLeaseStore } from "./refresh-coordinator";

/**
 * The coordination store of `refresh-coordinator.ts`: `coordination.k8s.io/v1` Leases in the
 * dashboard's own namespace, written with the dashboard's own ServiceAccount (RBAC:
 * `pilothouse-dashboard-token-refresh` in deploy/rbac/dashboard.yaml; no impersonation).
 *
 * The outcome travels on the Lease itself, in the {@link OUTCOME_ANNOTATION} annotation, rather
 * than in a Secret: one object per refresh (create, one update, one delete), the waiting replicas
 * read the object they already poll, and the dashboard needs no rights on Secrets. The value is
 * a JWE that takes both `NEXTAUTH_SECRET` and the redeemed refresh token to open
 * (`refresh-handoff.ts`), so whoever may read Leases there learns nothing from it.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/lease-v1/
 */

/** The annotation holding the holder's outcome (a JWE or `refused`). */
export const OUTCOME_ANNOTATION = "pilothouse.dev/refresh-outcome";
/** Labels of every refresh Lease (the sweep selects by them). */
export const REFRESH_LEASE_LABELS = {
  "app.kubernetes.io/part-of": "pilothouse",
  "app.kubernetes.io/component": "token-refresh",
};
const SELECTOR = Object.entries(REFRESH_LEASE_LABELS)
  .map(([key, value]) => `${key}=${value}`)
  .join(",");

/** The namespace the dashboard's ServiceAccount lives in (deploy/rbac/dashboard.yaml). */
export const DEFAULT_DASHBOARD_NAMESPACE = "pilothouse-system";

function toRefreshLease(lease: V1Lease): RefreshLease {
  return {
    name: lease.metadata?.name ?? "",
    resourceVersion: lease.metadata?.resourceVersion ?? "",
    holderIdentity: lease.spec?.holderIdentity ?? "",
    outcome: lease.metadata?.annotations?.[OUTCOME_ANNOTATION],
  };
}

const statusOf = (err: unknown) => {
  const error = toKubeError(err);
  return error instanceof KubeApiError ? error.status : undefined;
};

/**
 * A {@link RefreshLeaseStore} on the apiserver of `kubeConfig` (its own credentials).
 *
 * @param namespace - where the Leases live; the kubeconfig context's namespace, else
 *   {@link DEFAULT_DASHBOARD_NAMESPACE}.
 * @throws (from each method) KubeApiError or KubeConnectionError when a call fails for another
 *   reason than the ones the interface turns into `undefined`.
 */
export function kubeRefreshLeaseStore(
  kubeConfig: KubeConfig,
  namespace = kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ??
    DEFAULT_DASHBOARD_NAMESPACE,
): RefreshLeaseStore {
  const api = kubeConfig.makeApiClient(CoordinationV1Api);
  const fail = (err: unknown, name?: string) => toKubeError(err, { namespace, name });
  const store: RefreshLeaseStore = {
    async create(name, holderIdentity, leaseSeconds) {
      const now = new V1MicroTime(Date.now());
      const body: V1Lease = {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name, namespace, labels: REFRESH_LEASE_LABELS },
        spec: {
          holderIdentity,
          leaseDurationSeconds: leaseSeconds,
          acquireTime: now,
          renewTime: now,
        },
      };
      try {
        return toRefreshLease(await api.createNamespacedLease({ namespace, body }));
      } catch (err) {
        if (statusOf(err) === 409) return undefined;
        throw fail(err, name);
      }
    },
    async get(name) {
      try {
        return toRefreshLease(await api.readNamespacedLease({ name, namespace }));
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw fail(err, name);
      }
    },
    async update(lease) {
      try {
        const current = await api.readNamespacedLease({ name: lease.name, namespace });
        const metadata = current.metadata ?? {};
        const body: V1Lease = {
          ...current,
          metadata: {
            ...metadata,
            // The precondition: the apiserver answers 409 if the Lease changed since `lease`.
            resourceVersion: lease.resourceVersion,
            annotations: {
              ...metadata.annotations,
              ...(lease.outcome ? { [OUTCOME_ANNOTATION]: lease.outcome } : {}),
            },
          },
          spec: {
            ...current.spec,
            holderIdentity: lease.holderIdentity,
            renewTime: new V1MicroTime(Date.now()),
          },
        };
        return toRefreshLease(
          await api.replaceNamespacedLease({ name: lease.name, namespace, body }),
        );
      } catch (err) {
        const status = statusOf(err);
        if (status === 409 || status === 404) return undefined;
        throw fail(err, lease.name);
      }
    },
    async delete(name, resourceVersion) {
      try {
        await api.deleteNamespacedLease({
          name,
          namespace,
          body: { preconditions: { resourceVersion } },
        });
      } catch (err) {
        const status = statusOf(err);
        if (status === 409 || status === 404) return;
        throw fail(err, name);
      }
    },
    async sweep(olderThanSeconds) {
      const cutoff = Date.now() - olderThanSeconds * 1000;
      let list;
      try {
        list = await api.listNamespacedLease({ namespace, labelSelector: SELECTOR });
      } catch (err) {
        throw fail(err);
      }
      let deleted = 0;
      for (const lease of list.items) {
        const written = lease.spec?.renewTime ?? lease.metadata?.creationTimestamp;
        const { name, resourceVersion } = lease.metadata ?? {};
        if (!written || !name || !resourceVersion || new Date(written).getTime() > cutoff) continue;
        await store.delete(name, resourceVersion);
        deleted += 1;
      }
      return deleted;
    },
  };
  return store;
}

/**
 * The store for the dashboard's own kubeconfig (`PILOTHOUSE_DASHBOARD_KUBECONFIG`).
 *
 * @throws Error when the kubeconfig cannot be read.
 */
export function kubeRefreshLeaseStoreFromFile(kubeconfigPath: string): RefreshLeaseStore {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  return kubeRefreshLeaseStore(kubeConfig);
}
