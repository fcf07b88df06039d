import "server-only";
import type { KafkaPoolName } from "@/lib/crds/kafka-cluster";
import { FIELD_MANAGER } from "../mysql-cluster/names";

/** Port of the internal client listener inside every broker pod and on the bootstrap Service. */
export const KAFKA_CLIENT_PORT = 9092;
/** Ports of the listeners the operator owns: controller quorum and broker replication. */
export const KAFKA_CONTROLLER_PORT = 9093;
export const KAFKA_REPLICATION_PORT = 9091;

/** The admin super user the operator creates in every cluster (its password is in a Secret). */
export const KAFKA_ADMIN_USER = "pilothouse-admin";

/** Labels on every object a KafkaCluster owns. */
export const KAFKA_LABEL = {
  name: "app.kubernetes.io/name",
  instance: "app.kubernetes.io/instance",
  component: "app.kubernetes.io/component",
  managedBy: "app.kubernetes.io/managed-by",
  partOf: "app.kubernetes.io/part-of",
} as const;

/** Selects every StatefulSet of every KafkaCluster (what the operator watches). */
export const KAFKA_MANAGED_SELECTOR = `${KAFKA_LABEL.name}=kafka,${KAFKA_LABEL.managedBy}=${FIELD_MANAGER}`;

/** Names of the objects one KafkaCluster owns, derived from the cluster's name. */
export function kafkaOwnedNames(cluster: string) {
  return {
    bootstrapService: `${cluster}-kafka-bootstrap`,
    /** The external bootstrap Service: every broker's EXTERNAL listener behind one address. */
    externalService: `${cluster}-kafka-external`,
    /** The external Service of one broker: what its EXTERNAL advertised address comes from. */
    brokerExternalService: (pool: KafkaPoolName, ordinal: number) =>
      `${cluster}-${pool}-${ordinal}-external`,
    /** The cluster CA (`ca.crt`, `ca.key`): created once, never leaves the operator's Secrets. */
    caSecret: `${cluster}-kafka-ca`,
    /** The CA certificate alone (`ca.crt`), for clients to trust the brokers. */
    caConfigMap: `${cluster}-kafka-ca-cert`,
    /** The brokers' key and certificate (`broker.pem`, `tls.crt`, `tls.key`, `ca.crt`). */
    brokerTlsSecret: `${cluster}-kafka-broker-tls`,
    adminSecret: `${cluster}-kafka-admin`,
    clusterIdSecret: `${cluster}-kafka-cluster-id`,
    statefulSet: (pool: KafkaPoolName) => `${cluster}-${pool}`,
    headlessService: (pool: KafkaPoolName) => `${cluster}-${pool}-headless`,
    configMap: (pool: KafkaPoolName) => `${cluster}-${pool}-config`,
  };
}

/** Labels of one cluster's objects; `pool` adds the component (the pool's name). */
export function kafkaLabels(cluster: string, pool?: KafkaPoolName): Record<string, string> {
  return {
    [KAFKA_LABEL.name]: "kafka",
    [KAFKA_LABEL.instance]: cluster,
    [KAFKA_LABEL.managedBy]: FIELD_MANAGER,
    [KAFKA_LABEL.partOf]: "pilothouse",
    ...(pool ? { [KAFKA_LABEL.component]: pool } : {}),
  };
}

/** The labels a pool's pods are selected by. */
export function poolSelector(cluster: string, pool: KafkaPoolName): Record<string, string> {
  return {
    [KAFKA_LABEL.name]: "kafka",
    [KAFKA_LABEL.instance]: cluster,
    [KAFKA_LABEL.component]: pool,
  };
}
