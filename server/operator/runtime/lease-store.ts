import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import {
  CoordinationV1Api,
  V1MicroTime,
  type KubeConfig,
  type V1Lease,
} from "@kubernetes/client-node";
import { isNotFound, toKubeApiError } from "./kube-api-error";
import type { Clock, LeaseRecord, LeaseStore } from "./leader-election";

function toRecord(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  const time = (value: Date | undefined) => (value ? new Date(value) : undefined);
  return {
    holderIdentity: spec.holderIdentity || undefined,
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 15,
    acquireTime: time(spec.acquireTime),
    renewTime: time(spec.renewTime),
    leaseTransitions: spec.leaseTransitions ?? 0,
    ...(lease.metadata?.resourceVersion ? { resourceVersion: lease.metadata.resourceVersion } : {}),
  };
}

function toLease(namespace: string, name: string, record: LeaseRecord): V1Lease {
  const micro = (value: Date | undefined) => (value ? new V1MicroTime(value.getTime()) : undefined);
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: {
      name,
      namespace,
      labels: { "app.kubernetes.io/part-of": "pilothouse" },
      ...(record.resourceVersion ? { resourceVersion: record.resourceVersion } : {}),
    },
    spec: {
      holderIdentity: record.holderIdentity ?? "",
      leaseDurationSeconds: record.leaseDurationSeconds,
      acquireTime: micro(record.acquireTime),
      renewTime: micro(record.renewTime),
      leaseTransitions: record.leaseTransitions,
    },
  };
}

/**
 * The {@link LeaseStore} of one Lease in the apiserver (`coordination.k8s.io/v1`). Updates are
 * PUTs carrying the resourceVersion read, so the apiserver refuses a stale write with 409.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/lease-v1/
 */
export function kubeLeaseStore(
  kubeConfig: KubeConfig,
  namespace: string,
  name: string,
): LeaseStore {
  const api = kubeConfig.makeApiClient(CoordinationV1Api);
  const target = { kind: "Lease", namespace, name };
  return {
    async get() {
      try {
        return toRecord(await api.readNamespacedLease({ namespace, name }));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw toKubeApiError(error, target);
      }
    },
    async create(record) {
      try {
        const body = toLease(namespace, name, record);
        return toRecord(await api.createNamespacedLease({ namespace, body }));
      } catch (error) {
        throw toKubeApiError(error, target);
      }
    },
    async update(record) {
      try {
        const body = toLease(namespace, name, record);
        return toRecord(await api.replaceNamespacedLease({ namespace, name, body }));
      } catch (error) {
        throw toKubeApiError(error, target);
      }
    },
  };
}

/** The real clock: `performance.now()` and abortable timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
};
