import "server-only";
import { isIP } from "node:net";
import { checkServerIdentity, type ConnectionOptions } from "node:tls";
import kafkajs, { type Admin, type Kafka } from "kafkajs";

const { Kafka: KafkaClient, logLevel } = kafkajs;

/**
 * How the operator reaches one Kafka cluster's Admin API: bootstrap addresses and the admin
 * credentials. The one seam between the operator and a cluster — production resolves it from the
 * cluster's bootstrap Service and its admin Secret; tests resolve it to the local broker.
 */
export interface KafkaEndpoint {
  /** Bootstrap `host:port` addresses; one reachable broker is enough. */
  brokers: string[];
  /** SCRAM-SHA-512 credentials of a super user; anonymous PLAINTEXT when unset. */
  sasl?: { username: string; password: string };
  /**
   * Connect with TLS: `true` trusts the system store; an object trusts only the given CA, e.g.
   * the KafkaCluster's own CA from the Secret `<cluster>-kafka-ca`.
   */
  tls?: boolean | KafkaTlsTrust;
}

/** The TLS trust of a cluster's listener: its CA and, optionally, the name to verify. */
export interface KafkaTlsTrust {
  /** PEM of the CA certificate(s) the brokers' certificates are issued by. */
  ca: string;
  /**
   * The DNS name the broker certificate must carry (sent as SNI and checked), when the address
   * connected to is not in the certificate (a bootstrap bound to `127.0.0.1`, a port-forward).
   * Unset: the host of the address itself, as every broker's advertised pod name is.
   */
  servername?: string;
}

/**
 * The `node:tls` options of a connection (kafkajs' `ssl`, and `wire.ts`'s own sockets):
 * `undefined` for a plaintext listener; the system trust store for `tls: true`; only the cluster
 * CA for a {@link KafkaTlsTrust}. The certificate is checked against the trust's `servername`,
 * else against `host` (kafkajs fills in each broker's host itself, so it passes none). SNI is sent
 * for DNS names only (RFC 6066 forbids IP addresses); an IP `servername` is still checked.
 */
export function tlsConnectionOptions(
  endpoint: Pick<KafkaEndpoint, "tls">,
  host?: string,
): ConnectionOptions | undefined {
  const { tls } = endpoint;
  if (tls === undefined || tls === false) return undefined;
  const options: ConnectionOptions = tls === true ? {} : { ca: [tls.ca] };
  const name = (tls === true ? undefined : tls.servername) ?? host;
  if (name === undefined) return options;
  if (isIP(name) === 0) return { ...options, servername: name };
  // No SNI for an IP; Node checks the IP against the certificate's IP SANs.
  return {
    ...options,
    checkServerIdentity: (_host, certificate) => checkServerIdentity(name, certificate),
  };
}

/** Resolves a KafkaCluster (namespace/name) to the endpoint of its Admin API. */
export type ResolveKafkaEndpoint = (cluster: {
  namespace: string;
  name: string;
}) => Promise<KafkaEndpoint>;

/** Connection and request timeouts, milliseconds: short, so a dead cluster fails a reconcile fast. */
const CONNECTION_TIMEOUT_MS = 3_000;
const REQUEST_TIMEOUT_MS = 10_000;

/** A kafkajs client for `endpoint`, quiet (errors surface as exceptions, not logs). */
export function kafkaClient(endpoint: KafkaEndpoint, clientId = "pilothouse-operator"): Kafka {
  return new KafkaClient({
    clientId,
    brokers: endpoint.brokers,
    ssl: tlsConnectionOptions(endpoint) ?? false,
    sasl: endpoint.sasl ? { mechanism: "scram-sha-512", ...endpoint.sasl } : undefined,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2_000 },
    logLevel: logLevel.NOTHING,
  });
}

/**
 * Runs `action` with a connected admin client and always disconnects it. One short-lived
 * connection per reconcile keeps the operator stateless (DESIGN.md).
 *
 * @throws whatever kafkajs throws: `KafkaJSConnectionError` when no broker answers, protocol
 *   errors (`KafkaJSProtocolError`, with `type`) for refused requests.
 * @see https://kafka.js.org/docs/admin
 */
export async function withAdmin<T>(
  endpoint: KafkaEndpoint,
  action: (admin: Admin) => Promise<T>,
): Promise<T> {
  const admin = kafkaClient(endpoint).admin({ retry: { retries: 2 } });
  await admin.connect();
  try {
    return await action(admin);
  } finally {
    await admin.disconnect();
  }
}
