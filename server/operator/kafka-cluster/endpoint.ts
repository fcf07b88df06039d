import "server-only";
import type { V1Secret } from "@kubernetes/client-node";
import type { KafkaEndpoint, ResolveKafkaEndpoint } from "@/server/kafka";
import { KAFKA_ADMIN_USER, KAFKA_CLIENT_PORT, kafkaOwnedNames } from "./names";

/** Reads a Secret; undefined when it does not exist. */
export type ReadSecret = (namespace: string, name: string) => Promise<V1Secret | undefined>;

function secretValue(secret: V1Secret | undefined, key: string): string | undefined {
  const encoded = secret?.data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, "base64").toString("utf8");
}

/**
 * Production seam: a KafkaCluster's Admin API is its bootstrap Service,
 * `<cluster>-kafka-bootstrap.<namespace>.svc:9092`, with the admin credentials the cluster
 * controller keeps in the Secret `<cluster>-kafka-admin` (keys `username`, `password`).
 *
 * @throws Error when the admin Secret is missing or incomplete (the cluster is not ready yet).
 */
export function bootstrapServiceEndpoint(readSecret: ReadSecret): ResolveKafkaEndpoint {
  return async ({ namespace, name }) => {
    const names = kafkaOwnedNames(name);
    const secret = await readSecret(namespace, names.adminSecret);
    const password = secretValue(secret, "password");
    if (password === undefined) {
      throw new Error(`Secret ${namespace}/${names.adminSecret} with the admin password not found`);
    }
    return {
      brokers: [`${names.bootstrapService}.${namespace}.svc:${KAFKA_CLIENT_PORT}`],
      sasl: { username: secretValue(secret, "username") ?? KAFKA_ADMIN_USER, password },
    };
  };
}

/**
 * A resolver answering from `overrides` (keyed `namespace/cluster`) and falling back to
 * `fallback` for every other cluster: how tests and local development bind a KafkaCluster to a
 * broker outside Kubernetes (KWOK pods run no containers).
 */
export function endpointResolverWithOverrides(
  overrides: ReadonlyMap<string, KafkaEndpoint>,
  fallback: ResolveKafkaEndpoint,
): ResolveKafkaEndpoint {
  if (overrides.size === 0) return fallback;
  return async (cluster) =>
    overrides.get(`${cluster.namespace}/${cluster.name}`) ?? fallback(cluster);
}
