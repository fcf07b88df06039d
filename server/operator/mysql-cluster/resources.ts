import "server-only";
import { createHash } from "node:crypto";
import type {
  V1ConfigMap,
  V1ObjectMeta,
  V1OwnerReference,
  V1ResourceRequirements,
  V1Secret,
  V1Service,
  V1StatefulSet,
} from "@kubernetes/client-node";
import { MYSQL_API_VERSION, clusterImage, type MySQLCluster } from "@/lib/crds/mysql-cluster";
import { ROLE_LABEL } from "@/lib/crds/mysql-replication";
import { CONF_DIR, MY_CNF_KEY, myCnf } from "./my-cnf";
import { CREDENTIAL_KEYS, LABEL, clusterLabels, ownedNames, selectorLabels } from "./names";

const MYSQL_PORT = 3306;

/** Pod template annotation holding a hash of my.cnf, so that a config change rolls the pods. */
export const CONFIG_HASH_ANNOTATION = "mysql.pilothouse.dev/config-hash";

/**
 * The owner reference every owned object carries: the cluster is the controller, and the
 * garbage collector deletes the object (foreground deletion waits for it) with the cluster.
 *
 * @throws Error when the cluster has no uid (it was not read from the apiserver).
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/owners-dependents/
 */
export function ownerReference(cluster: MySQLCluster): V1OwnerReference {
  const { name, uid } = cluster.metadata;
  if (!uid) throw new Error(`MySQLCluster ${name} has no uid; read it from the apiserver first`);
  return {
    apiVersion: MYSQL_API_VERSION,
    kind: "MySQLCluster",
    name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function metadata(cluster: MySQLCluster, name: string): V1ObjectMeta {
  return {
    name,
    namespace: cluster.metadata.namespace,
    labels: clusterLabels(cluster.metadata.name),
    ownerReferences: [ownerReference(cluster)],
  };
}

/**
 * The credentials Secret, holding the root and replication passwords. Created once and never
 * applied again: the root password in it is the one the data directory was initialised with.
 */
export function credentialsSecret(
  cluster: MySQLCluster,
  passwords: { root: string; replication: string },
): V1Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: metadata(cluster, ownedNames(cluster.metadata.name).credentialsSecret),
    type: "Opaque",
    stringData: {
      [CREDENTIAL_KEYS.rootPassword]: passwords.root,
      [CREDENTIAL_KEYS.replicationPassword]: passwords.replication,
    },
  };
}

/** The ConfigMap with the cluster's my.cnf (engine settings, then `spec.mycnf`). */
export function configMap(cluster: MySQLCluster): V1ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: metadata(cluster, ownedNames(cluster.metadata.name).configMap),
    data: { [MY_CNF_KEY]: myCnf(cluster.spec) },
  };
}

/**
 * The headless Service that gives each server a stable DNS name
 * (`<pod>.<name>-headless.<namespace>.svc`). Not-ready pods are published too, so servers can
 * find each other while they start.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id
 */
export function headlessService(cluster: MySQLCluster): V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(cluster, ownedNames(cluster.metadata.name).headlessService),
    spec: {
      clusterIP: "None",
      publishNotReadyAddresses: true,
      selector: selectorLabels(cluster.metadata.name),
      ports: [{ name: "mysql", port: MYSQL_PORT, targetPort: "mysql" }],
    },
  };
}

/**
 * A ClusterIP Service over the pods the operator labelled with `role` (see ROLE_LABEL), so it
 * follows failovers and switchovers without being re-applied.
 */
function roleService(cluster: MySQLCluster, name: string, role: "primary" | "replica"): V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(cluster, name),
    spec: {
      type: "ClusterIP",
      selector: { ...selectorLabels(cluster.metadata.name), [ROLE_LABEL]: role },
      ports: [{ name: "mysql", port: MYSQL_PORT, targetPort: "mysql" }],
    },
  };
}

/** The Service clients write through: it selects the primary's pod only. */
export function primaryService(cluster: MySQLCluster): V1Service {
  return roleService(cluster, ownedNames(cluster.metadata.name).primaryService, "primary");
}

/** The read-only Service over the replicas that replicate without errors. */
export function replicasService(cluster: MySQLCluster): V1Service {
  return roleService(cluster, ownedNames(cluster.metadata.name).replicasService, "replica");
}

/** The container image of a cluster: `spec.image`, or the official image at its version. */
export function serverImage(cluster: MySQLCluster): string {
  return clusterImage(cluster.spec);
}

/**
 * `spec.resources` as the server container's requests and limits (only what is set).
 *
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
export function containerResources(cluster: MySQLCluster): V1ResourceRequirements {
  const { requests, limits } = cluster.spec.resources ?? {};
  const pick = (values: { cpu?: string; memory?: string } | undefined) =>
    values && Object.keys(values).length > 0 ? { ...values } : undefined;
  const picked = { requests: pick(requests), limits: pick(limits) };
  return Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== undefined));
}

/** Replicas the StatefulSet should have: zero while the cluster is stopped. */
export function desiredReplicas(cluster: MySQLCluster): number {
  return cluster.spec.stopped ? 0 : cluster.spec.replicas;
}

function configHash(cluster: MySQLCluster): string {
  return createHash("sha256").update(myCnf(cluster.spec)).digest("hex").slice(0, 16);
}

/**
 * The StatefulSet running the servers. Ordinal 0 is the primary. Volumes outlive the pods:
 * scaling down or stopping keeps every PersistentVolumeClaim.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/
 */
export function statefulSet(cluster: MySQLCluster): V1StatefulSet {
  const name = cluster.metadata.name;
  const names = ownedNames(name);
  const passwordEnv =
    cluster.spec.engine === "mysql" ? "MYSQL_ROOT_PASSWORD" : "MARIADB_ROOT_PASSWORD";
  const { size, storageClassName } = cluster.spec.storage;
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: metadata(cluster, names.statefulSet),
    spec: {
      replicas: desiredReplicas(cluster),
      serviceName: names.headlessService,
      selector: { matchLabels: selectorLabels(name) },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      template: {
        metadata: {
          labels: clusterLabels(name),
          annotations: { [CONFIG_HASH_ANNOTATION]: configHash(cluster) },
        },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { fsGroup: 999 },
          containers: [
            {
              name: "server",
              image: serverImage(cluster),
              // $(VAR) is expanded by the kubelet. server-id must be unique and non-zero:
              // "1" followed by the pod's ordinal gives 10, 11, 12, ...
              args: [
                "--server-id=1$(POD_INDEX)",
                `--report-host=$(POD_NAME).${names.headlessService}`,
              ],
              env: [
                {
                  name: passwordEnv,
                  valueFrom: {
                    secretKeyRef: {
                      name: names.credentialsSecret,
                      key: CREDENTIAL_KEYS.rootPassword,
                    },
                  },
                },
                { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                {
                  name: "POD_INDEX",
                  valueFrom: { fieldRef: { fieldPath: `metadata.labels['${LABEL.podIndex}']` } },
                },
              ],
              ports: [{ name: "mysql", containerPort: MYSQL_PORT }],
              ...(cluster.spec.resources ? { resources: containerResources(cluster) } : {}),
              readinessProbe: {
                tcpSocket: { port: "mysql" },
                periodSeconds: 5,
                failureThreshold: 3,
              },
              volumeMounts: [
                { name: "data", mountPath: "/var/lib/mysql" },
                { name: "config", mountPath: `${CONF_DIR}/${MY_CNF_KEY}`, subPath: MY_CNF_KEY },
              ],
            },
          ],
          volumes: [{ name: "config", configMap: { name: names.configMap } }],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "data", labels: selectorLabels(name) },
          spec: {
            accessModes: ["ReadWriteOnce"],
            ...(storageClassName ? { storageClassName } : {}),
            resources: { requests: { storage: size } },
          },
        },
      ],
    },
  };
}

/** The objects applied with server-side apply on every reconcile, in order. */
export function appliedObjects(cluster: MySQLCluster): (V1ConfigMap | V1Service | V1StatefulSet)[] {
  return [
    configMap(cluster),
    headlessService(cluster),
    primaryService(cluster),
    replicasService(cluster),
    statefulSet(cluster),
  ];
}
