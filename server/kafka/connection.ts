import "server-only";
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
  /** Connect with TLS (system trust store). */
  tls?: boolean;
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
    ssl: endpoint.tls ?? false,
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
