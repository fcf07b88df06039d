import "server-only";
import type { V1Pod, V1StatefulSet } from "@kubernetes/client-node";
import {
  MySQLClusterSchema,
  type MySQLCluster,
  type MySQLClusterSpecInput,
} from "@/lib/crds/mysql-cluster";

/** Fixtures for the unit tests of this folder (not used by the operator itself). */

/** A MySQLCluster as read from the apiserver, with defaults applied by the schema. */
export function aCluster(
  spec: Partial<MySQLClusterSpecInput> = {},
  metadata: Partial<MySQLCluster["metadata"]> = {},
): MySQLCluster {
  return MySQLClusterSchema.parse({
    apiVersion: "mysql.pilothouse.dev/v1alpha1",
    kind: "MySQLCluster",
    metadata: {
      name: "orders",
      namespace: "shop",
      uid: "5f1c0a8e-0000-4000-8000-000000000001",
      resourceVersion: "100",
      generation: 1,
      ...metadata,
    },
    spec: { storage: { size: "10Gi" }, ...spec },
  });
}

/** A StatefulSet with the given spec replicas and status counts; caught up unless told. */
export function aStatefulSet(options: {
  replicas: number;
  ready: number;
  updated?: number;
  existing?: number;
  generation?: number;
  observedGeneration?: number;
}): V1StatefulSet {
  const generation = options.generation ?? 1;
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "orders", namespace: "shop", generation },
    spec: {
      replicas: options.replicas,
      serviceName: "orders-headless",
      selector: {},
      template: {},
    },
    status: {
      replicas: options.existing ?? options.replicas,
      readyReplicas: options.ready,
      updatedReplicas: options.updated ?? options.replicas,
      observedGeneration: options.observedGeneration ?? generation,
    },
  };
}

/** A pod of the cluster `orders`, Ready or not, optionally being deleted. */
export function aPod(ordinal: number, ready: boolean, terminating = false): V1Pod {
  return {
    metadata: {
      name: `orders-${ordinal}`,
      namespace: "shop",
      labels: { "app.kubernetes.io/name": "mysql", "app.kubernetes.io/instance": "orders" },
      ...(terminating ? { deletionTimestamp: new Date("2026-01-01T00:00:00Z") } : {}),
    },
    status: {
      phase: "Running",
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    },
  };
}

/** Pods `orders-0` … `orders-(count-1)`, the first `ready` of them Ready. */
export function pods(count: number, ready = count): V1Pod[] {
  return Array.from({ length: count }, (_, ordinal) => aPod(ordinal, ordinal < ready));
}
