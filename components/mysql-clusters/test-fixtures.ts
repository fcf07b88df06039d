import type { MySQLCluster } from "@/lib/crds/mysql-cluster";

/** A MySQLCluster for tests, with the fields the UI reads. */
export function cluster(name: string, rv: string, extra: Partial<MySQLCluster> = {}): MySQLCluster {
  return {
    apiVersion: "mysql.pilothouse.dev/v1alpha1",
    kind: "MySQLCluster",
    metadata: { name, namespace: "demo", resourceVersion: rv, generation: 1 },
    spec: {
      engine: "mysql",
      version: "8.4",
      replicas: 3,
      storage: { size: "10Gi" },
      stopped: false,
      deletionPolicy: "Retain",
      failover: { enabled: true, unreachableSeconds: 30 },
    },
    ...extra,
  };
}
