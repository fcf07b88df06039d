import "server-only";
import {
  NODE_ID_BASE,
  kafkaPools,
  poolNodeIds,
  type KafkaCluster,
  type KafkaPoolName,
} from "@/lib/crds/kafka-cluster";
import { kafkaConfigLines } from "@/lib/crds/kafka-config";
import {
  KAFKA_ADMIN_USER,
  KAFKA_CLIENT_PORT,
  KAFKA_CONTROLLER_PORT,
  KAFKA_REPLICATION_PORT,
  kafkaOwnedNames,
} from "./names";

/** Where each node keeps its metadata log and partition logs (the PVC's mount path). */
export const KAFKA_DATA_DIR = "/var/lib/kafka/data";
/** Placeholders the container's start command replaces per pod (see `resources.ts`). */
export const NODE_ID_PLACEHOLDER = "${NODE_ID}";
export const POD_HOST_PLACEHOLDER = "${POD_HOST}";
/** Replaced by the pod's start command with its line of the ConfigMap's `external-addresses`. */
export const EXTERNAL_ADDRESS_PLACEHOLDER = "${EXTERNAL_ADDRESS}";
/** Where the broker TLS Secret is mounted: `broker.pem` (PKCS#8 key + chain) and `ca.crt`. */
export const KAFKA_TLS_DIR = "/etc/kafka-tls";

/** What the broker configuration needs besides the spec. */
export interface BrokerRendering {
  /**
   * `host:port` of every broker's EXTERNAL listener by node ID. The EXTERNAL listener is left
   * out of the configuration until these are known (the internal listener runs meanwhile).
   */
  externalAddresses?: ReadonlyMap<number, string>;
}

/** Whether any client listener of the cluster uses TLS (then the broker TLS Secret exists). */
export function clusterUsesTls(cluster: KafkaCluster): boolean {
  const { internal, external } = cluster.spec.listeners;
  return internal.tls || external?.tls === true;
}

/**
 * The ConfigMap key `external-addresses`: one `<node ID> <host:port>` line per broker, read by
 * the start command; empty when the addresses are not known.
 */
export function externalAddressLines(rendering: BrokerRendering): string {
  const entries = [...(rendering.externalAddresses ?? new Map<number, string>())];
  return entries
    .sort(([a], [b]) => a - b)
    .map(([nodeId, address]) => `${nodeId} ${address}\n`)
    .join("");
}

/**
 * The TLS settings of the brokers: PEM key store and trust store as files from the broker TLS
 * Secret (the private key stays out of the ConfigMap), Kafka's PEM support (KIP-651).
 *
 * @see https://kafka.apache.org/documentation/#brokerconfigs_ssl.keystore.type
 */
export function tlsConfigLines(): string[] {
  return [
    "ssl.keystore.type=PEM",
    `ssl.keystore.location=${KAFKA_TLS_DIR}/broker.pem`,
    "ssl.truststore.type=PEM",
    `ssl.truststore.location=${KAFKA_TLS_DIR}/ca.crt`,
    "ssl.client.auth=none",
  ];
}

/**
 * Milliseconds between KRaft metadata snapshots while the metadata log has new records (Kafka's
 * default: one hour). Kafka 4.4.0 loses every SCRAM credential, the operator's admin included,
 * when a restarted node replays a credential removal with no snapshot holding the credentials
 * before it (`ScramDelta.apply`; tests/integration/kafka-scram-restart.test.ts). A snapshot within
 * a minute of the admin's bootstrap record closes that window for the cluster's whole life.
 * `spec.config` may override it.
 */
export const METADATA_SNAPSHOT_INTERVAL_MS = 60_000;

/** The controller quorum voters: `id@host:port` of every controller, comma-separated. */
export function quorumVoters(cluster: KafkaCluster): string {
  const { name, namespace } = cluster.metadata;
  const names = kafkaOwnedNames(name);
  const controllers = kafkaPools(cluster.spec.kraft).filter(({ name: pool }) => pool !== "brokers");
  return controllers
    .flatMap(({ name: pool, pool: spec }) =>
      poolNodeIds(pool, spec.replicas).map(
        (id) =>
          `${id}@${names.statefulSet(pool)}-${id - NODE_ID_BASE[pool]}.${names.headlessService(pool)}.${namespace ?? ""}.svc:${KAFKA_CONTROLLER_PORT}`,
      ),
    )
    .join(",");
}

function clientProtocol(tls: boolean, authentication: string): string {
  const sasl = authentication === "scram-sha-512";
  if (tls) return sasl ? "SASL_SSL" : "SSL";
  return sasl ? "SASL_PLAINTEXT" : "PLAINTEXT";
}

/**
 * `server.properties` of one pool, with `${NODE_ID}` and `${POD_HOST}` left for the pod's start
 * command: node ID = pool base + StatefulSet ordinal; the controller quorum is the static voter
 * list of the controller (or combined) pool. Client listeners use SCRAM-SHA-512 and TLS as
 * configured (SASL_SSL, SSL, SASL_PLAINTEXT or PLAINTEXT); the EXTERNAL listener advertises
 * `${EXTERNAL_ADDRESS}` and is rendered only once `rendering.externalAddresses` is known. The
 * StandardAuthorizer applies ACLs, and the operator's admin is the super user. `spec.config` is
 * appended; owned settings in it are skipped (the CRD refuses them).
 *
 * @see https://kafka.apache.org/documentation/#kraft_config
 */
export function kraftConfig(
  cluster: KafkaCluster,
  pool: KafkaPoolName,
  rendering: BrokerRendering = {},
): string {
  const { listeners } = cluster.spec;
  const roles = { combined: "broker,controller", controllers: "controller", brokers: "broker" }[
    pool
  ];
  const isBroker = pool !== "controllers";
  const protocols = [`CONTROLLER:PLAINTEXT`];
  const listen = [`CONTROLLER://:${KAFKA_CONTROLLER_PORT}`];
  const advertised: string[] = [];
  if (isBroker) {
    const internal = clientProtocol(listeners.internal.tls, listeners.internal.authentication);
    protocols.push("REPLICATION:PLAINTEXT", `INTERNAL:${internal}`);
    listen.push(`REPLICATION://:${KAFKA_REPLICATION_PORT}`, `INTERNAL://:${KAFKA_CLIENT_PORT}`);
    advertised.push(
      `REPLICATION://${POD_HOST_PLACEHOLDER}:${KAFKA_REPLICATION_PORT}`,
      `INTERNAL://${POD_HOST_PLACEHOLDER}:${KAFKA_CLIENT_PORT}`,
    );
    if (listeners.external && rendering.externalAddresses) {
      const { tls, authentication, port } = listeners.external;
      protocols.push(`EXTERNAL:${clientProtocol(tls, authentication)}`);
      listen.push(`EXTERNAL://:${port}`);
      advertised.push(`EXTERNAL://${EXTERNAL_ADDRESS_PLACEHOLDER}`);
    }
  }
  const saslListeners = [
    ...(isBroker && listeners.internal.authentication === "scram-sha-512" ? ["internal"] : []),
    ...(isBroker && listeners.external && rendering.externalAddresses ? ["external"] : []),
  ];
  const lines = [
    "# generated by the Pilothouse operator; spec.config is appended",
    `process.roles=${roles}`,
    `node.id=${NODE_ID_PLACEHOLDER}`,
    `controller.quorum.voters=${quorumVoters(cluster)}`,
    "controller.listener.names=CONTROLLER",
    `listeners=${listen.join(",")}`,
    ...(advertised.length > 0 ? [`advertised.listeners=${advertised.join(",")}`] : []),
    `listener.security.protocol.map=${protocols.join(",")}`,
    ...(isBroker ? ["inter.broker.listener.name=REPLICATION"] : []),
    `log.dirs=${KAFKA_DATA_DIR}`,
    "sasl.enabled.mechanisms=SCRAM-SHA-512",
    ...saslListeners.map(
      (listener) =>
        `listener.name.${listener}.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
    ),
    ...(isBroker && clusterUsesTls(cluster) ? tlsConfigLines() : []),
    "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
    `super.users=User:${KAFKA_ADMIN_USER};User:ANONYMOUS`,
    "allow.everyone.if.no.acl.found=false",
    `metadata.log.max.snapshot.interval.ms=${METADATA_SNAPSHOT_INTERVAL_MS}`,
    ...kafkaConfigLines(cluster.spec.config),
  ];
  return `${lines.join("\n")}\n`;
}
