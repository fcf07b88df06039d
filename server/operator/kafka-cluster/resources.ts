import "server-only";
import { createHash } from "node:crypto";
import type {
  V1ConfigMap,
  V1ObjectMeta,
  V1OwnerReference,
  V1Secret,
  V1Service,
  V1StatefulSet,
} from "@kubernetes/client-node";
import { KAFKA_API_VERSION } from "@/lib/crds/kafka-common";
import {
  NODE_ID_BASE,
  kafkaImage,
  type KafkaCluster,
  type KafkaPool,
  type KafkaPoolName,
} from "@/lib/crds/kafka-cluster";
import {
  KAFKA_DATA_DIR,
  KAFKA_TLS_DIR,
  clusterUsesTls,
  externalAddressLines,
  kraftConfig,
  type BrokerRendering,
} from "./kraft-config";
import {
  KAFKA_ADMIN_USER,
  KAFKA_CLIENT_PORT,
  KAFKA_CONTROLLER_PORT,
  KAFKA_REPLICATION_PORT,
  kafkaLabels,
  kafkaOwnedNames,
  poolSelector,
} from "./names";

/** Pod template annotation with a hash of the pool's config: a config change rolls the pods. */
export const KAFKA_CONFIG_HASH_ANNOTATION = "kafka.pilothouse.dev/config-hash";

/**
 * The owner reference of every owned object: the KafkaCluster is the controller.
 *
 * @throws Error when the cluster has no uid (it was not read from the apiserver).
 */
export function kafkaOwnerReference(cluster: KafkaCluster): V1OwnerReference {
  const { name, uid } = cluster.metadata;
  if (!uid) throw new Error(`KafkaCluster ${name} has no uid; read it from the apiserver first`);
  return {
    apiVersion: KAFKA_API_VERSION,
    kind: "KafkaCluster",
    name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function metadata(cluster: KafkaCluster, name: string, pool?: KafkaPoolName): V1ObjectMeta {
  return {
    name,
    namespace: cluster.metadata.namespace,
    labels: kafkaLabels(cluster.metadata.name, pool),
    ownerReferences: [kafkaOwnerReference(cluster)],
  };
}

/** A Secret created once: the cluster ID or the admin credentials (never rewritten). */
export function onceSecret(
  cluster: KafkaCluster,
  name: string,
  data: Record<string, string>,
): V1Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: metadata(cluster, name),
    stringData: data,
  };
}

/** The admin credentials Secret (`username`, `password`), read by the Admin API seam. */
export function adminSecret(cluster: KafkaCluster, password: string): V1Secret {
  const name = kafkaOwnedNames(cluster.metadata.name).adminSecret;
  return onceSecret(cluster, name, { username: KAFKA_ADMIN_USER, password });
}

/**
 * The ConfigMap of one pool: the `server.properties` template and `external-addresses` (one
 * `<node ID> <host:port>` line per broker, what `${EXTERNAL_ADDRESS}` becomes in each pod).
 */
export function poolConfigMap(
  cluster: KafkaCluster,
  pool: KafkaPoolName,
  rendering: BrokerRendering = {},
): V1ConfigMap {
  const name = kafkaOwnedNames(cluster.metadata.name).configMap(pool);
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: metadata(cluster, name, pool),
    data: {
      "server.properties": kraftConfig(cluster, pool, rendering),
      "external-addresses": pool === "controllers" ? "" : externalAddressLines(rendering),
    },
  };
}

/** The headless Service giving each node of a pool its stable DNS name. */
export function headlessService(cluster: KafkaCluster, pool: KafkaPoolName): V1Service {
  const name = kafkaOwnedNames(cluster.metadata.name).headlessService(pool);
  const ports = [
    { name: "controller", port: KAFKA_CONTROLLER_PORT },
    ...(pool === "controllers"
      ? []
      : [
          { name: "replication", port: KAFKA_REPLICATION_PORT },
          { name: "client", port: KAFKA_CLIENT_PORT },
        ]),
  ];
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(cluster, name, pool),
    spec: {
      clusterIP: "None",
      publishNotReadyAddresses: true,
      selector: poolSelector(cluster.metadata.name, pool),
      ports,
    },
  };
}

/** The bootstrap Service: every broker's client listener behind one name. */
export function bootstrapService(cluster: KafkaCluster, brokerPool: KafkaPoolName): V1Service {
  const name = kafkaOwnedNames(cluster.metadata.name).bootstrapService;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(cluster, name),
    spec: {
      selector: poolSelector(cluster.metadata.name, brokerPool),
      ports: [{ name: "client", port: KAFKA_CLIENT_PORT }],
    },
  };
}

/**
 * The start command: node ID = pool base + the ordinal in the pod's name, the pod's DNS name for
 * the advertised listeners; the storage is formatted once with the cluster ID and the admin's
 * SCRAM credential (a formatted volume keeps its identity across stop/start).
 *
 * @see https://kafka.apache.org/documentation/#kraft_storage
 */
function startScript(pool: KafkaPoolName, headless: string): string {
  return [
    "set -eu",
    `NODE_ID=$(( ${NODE_ID_BASE[pool]} + \${HOSTNAME##*-} ))`,
    `POD_HOST="$HOSTNAME.${headless}.$POD_NAMESPACE.svc"`,
    'EXTERNAL_ADDRESS=$(sed -n "s/^$NODE_ID //p" /etc/kafka/external-addresses)',
    'sed -e "s/\\${NODE_ID}/$NODE_ID/" -e "s/\\${POD_HOST}/$POD_HOST/g" -e "s/\\${EXTERNAL_ADDRESS}/$EXTERNAL_ADDRESS/g" /etc/kafka/server.properties > /tmp/server.properties',
    `[ -f ${KAFKA_DATA_DIR}/meta.properties ] || /opt/kafka/bin/kafka-storage.sh format -t "$CLUSTER_ID" -c /tmp/server.properties --add-scram "SCRAM-SHA-512=[name=${KAFKA_ADMIN_USER},password=$ADMIN_PASSWORD]"`,
    "exec /opt/kafka/bin/kafka-server-start.sh /tmp/server.properties",
  ].join("\n");
}

/**
 * One pool's StatefulSet: `replicas` nodes (0 when the cluster is stopped), a data volume per node
 * from `volumeClaimTemplates` kept when scaled down (stop keeps data and identity) and, unless
 * `deletionPolicy` is Delete, when the cluster is deleted.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention
 */
export function poolStatefulSet(
  cluster: KafkaCluster,
  pool: KafkaPoolName,
  spec: KafkaPool,
  rendering: BrokerRendering & { tlsFingerprint?: string } = {},
): V1StatefulSet {
  const names = kafkaOwnedNames(cluster.metadata.name);
  const tls = pool !== "controllers" && clusterUsesTls(cluster);
  const external = pool !== "controllers" && rendering.externalAddresses !== undefined;
  // What a pod reads at start: its configuration, addresses and certificate roll the pods.
  const config = [
    kraftConfig(cluster, pool, rendering),
    pool === "controllers" ? "" : externalAddressLines(rendering),
    tls ? (rendering.tlsFingerprint ?? "") : "",
  ].join("\n");
  const env = (name: string, secret: string, key: string) => ({
    name,
    valueFrom: { secretKeyRef: { name: secret, key } },
  });
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: metadata(cluster, names.statefulSet(pool), pool),
    spec: {
      replicas: cluster.spec.stopped ? 0 : spec.replicas,
      serviceName: names.headlessService(pool),
      podManagementPolicy: "Parallel",
      // The operator rolls pods itself, one at a time and only while it is safe (`rolling.ts`).
      updateStrategy: { type: "OnDelete" },
      selector: { matchLabels: poolSelector(cluster.metadata.name, pool) },
      persistentVolumeClaimRetentionPolicy: {
        whenScaled: "Retain",
        whenDeleted: cluster.spec.deletionPolicy === "Delete" ? "Delete" : "Retain",
      },
      template: {
        metadata: {
          labels: kafkaLabels(cluster.metadata.name, pool),
          annotations: {
            [KAFKA_CONFIG_HASH_ANNOTATION]: createHash("sha256")
              .update(config)
              .digest("hex")
              .slice(0, 16),
          },
        },
        spec: {
          containers: [
            {
              name: "kafka",
              image: kafkaImage(cluster.spec),
              command: ["/bin/sh", "-c", startScript(pool, names.headlessService(pool))],
              env: [
                {
                  name: "POD_NAMESPACE",
                  valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } },
                },
                env("CLUSTER_ID", names.clusterIdSecret, "clusterId"),
                env("ADMIN_PASSWORD", names.adminSecret, "password"),
              ],
              ports: [
                { name: "controller", containerPort: KAFKA_CONTROLLER_PORT },
                ...(pool === "controllers"
                  ? []
                  : [{ name: "client", containerPort: KAFKA_CLIENT_PORT }]),
                ...(external && cluster.spec.listeners.external
                  ? [{ name: "external", containerPort: cluster.spec.listeners.external.port }]
                  : []),
              ],
              resources: spec.resources,
              volumeMounts: [
                { name: "data", mountPath: KAFKA_DATA_DIR },
                { name: "config", mountPath: "/etc/kafka" },
                ...(tls ? [{ name: "tls", mountPath: KAFKA_TLS_DIR, readOnly: true }] : []),
              ],
            },
          ],
          volumes: [
            { name: "config", configMap: { name: names.configMap(pool) } },
            ...(tls ? [{ name: "tls", secret: { secretName: names.brokerTlsSecret } }] : []),
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "data", labels: kafkaLabels(cluster.metadata.name, pool) },
          spec: {
            accessModes: ["ReadWriteOnce"],
            storageClassName: spec.storage.storageClassName,
            resources: { requests: { storage: spec.storage.size } },
          },
        },
      ],
    },
  };
}
