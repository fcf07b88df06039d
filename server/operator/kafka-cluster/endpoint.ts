import "server-only";
import { X509Certificate } from "node:crypto";
import type { KubeConfig, V1Secret } from "@kubernetes/client-node";
import { KafkaClusterNames } from "@/lib/crds/kafka-cluster";
import { InternalListenerSchema } from "@/lib/crds/kafka-listeners";
import type { KafkaEndpoint, KafkaTlsTrust, ResolveKafkaEndpoint } from "@/server/kafka";
import { kubeKafkaObjectApi } from "../kafka-common/api";
import { KAFKA_ADMIN_USER, KAFKA_CLIENT_PORT, kafkaOwnedNames } from "./names";

/** Reads a Secret; undefined when it does not exist. */
export type ReadSecret = (namespace: string, name: string) => Promise<V1Secret | undefined>;

/** What resolving a cluster's Admin API endpoint reads from the apiserver. */
export interface EndpointReads {
  readSecret: ReadSecret;
  /** The KafkaCluster object as stored (its `spec.listeners.internal` is what counts). */
  readCluster: (namespace: string, name: string) => Promise<Record<string, unknown> | undefined>;
}

/** The {@link EndpointReads} of a real apiserver. */
export function kubeEndpointReads(kubeConfig: KubeConfig): EndpointReads {
  const clusters = kubeKafkaObjectApi(kubeConfig, KafkaClusterNames);
  return {
    readSecret: (namespace, name) => clusters.readSecret(namespace, name),
    readCluster: (namespace, name) => clusters.get(namespace, name),
  };
}

function secretValue(secret: V1Secret | undefined, key: string): string | undefined {
  const encoded = secret?.data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, "base64").toString("utf8");
}

/** How the operator must talk to a cluster's internal listener. */
export interface InternalListenerSecurity {
  tls: boolean;
  scram: boolean;
}

/**
 * The internal listener's security from a KafkaCluster's spec, with the CRD's defaults (TLS off,
 * SCRAM-SHA-512 on) for what is unset.
 *
 * @throws Error naming the field when `spec.listeners.internal` is invalid.
 */
export function internalListenerSecurity(spec: unknown): InternalListenerSecurity {
  const listeners = (spec as { listeners?: { internal?: unknown } } | undefined)?.listeners;
  const parsed = InternalListenerSchema.safeParse(listeners?.internal ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `spec.listeners.internal.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`,
    );
  }
  return { tls: parsed.data.tls, scram: parsed.data.authentication === "scram-sha-512" };
}

/**
 * A cache of each cluster's CA certificate (keyed `namespace/cluster`), read from the Secret
 * `<cluster>-kafka-ca` that the cluster controller creates: the PEM is checked once per version
 * of the Secret and read again whenever the Secret's resourceVersion changes (a new CA).
 */
export class ClusterCaCache {
  private readonly entries = new Map<string, { resourceVersion: string; pem: string }>();

  constructor(private readonly readSecret: ReadSecret) {}

  /**
   * The cluster's CA certificate (PEM); undefined when the Secret or its `ca.crt` is missing
   * (no TLS listener, or the cluster is not reconciled yet).
   *
   * @throws Error when `ca.crt` is not a CA certificate.
   */
  async caCertificate(namespace: string, cluster: string): Promise<string | undefined> {
    const name = kafkaOwnedNames(cluster).caSecret;
    const secret = await this.readSecret(namespace, name);
    const key = `${namespace}/${cluster}`;
    const version = secret?.metadata?.resourceVersion ?? "";
    const cached = this.entries.get(key);
    if (cached && version !== "" && cached.resourceVersion === version) return cached.pem;
    const pem = secretValue(secret, "ca.crt");
    if (pem === undefined) {
      this.entries.delete(key);
      return undefined;
    }
    let isCa: boolean;
    try {
      isCa = new X509Certificate(pem).ca;
    } catch (error) {
      throw new Error(
        `Secret ${namespace}/${name}: ca.crt is not a PEM certificate (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    if (!isCa) throw new Error(`Secret ${namespace}/${name}: ca.crt is not a CA certificate`);
    this.entries.set(key, { resourceVersion: version, pem });
    return pem;
  }
}

/**
 * Production seam: a KafkaCluster's Admin API is its bootstrap Service,
 * `<cluster>-kafka-bootstrap.<namespace>.svc:9092`, spoken to as the cluster's internal listener
 * is configured: with SCRAM-SHA-512 as the admin whose credentials the cluster controller keeps in
 * the Secret `<cluster>-kafka-admin` (keys `username`, `password`) when the listener
 * authenticates, and over TLS trusting only the cluster CA (Secret `<cluster>-kafka-ca`) when it
 * has `tls: true` (brokers are then reached at their advertised pod names, which the broker
 * certificate carries). Given a bare {@link ReadSecret} (no KafkaCluster reads), it assumes the
 * CRD's default listener: SCRAM, no TLS.
 *
 * @throws Error when the KafkaCluster, the admin Secret or (with TLS) the CA is missing or
 *   incomplete (the cluster is not ready yet).
 */
export function bootstrapServiceEndpoint(
  reads: ReadSecret | EndpointReads,
  cas?: ClusterCaCache,
): ResolveKafkaEndpoint {
  const { readSecret, readCluster } =
    typeof reads === "function" ? { readSecret: reads, readCluster: undefined } : reads;
  const caCache = cas ?? new ClusterCaCache(readSecret);
  return async ({ namespace, name }) => {
    const names = kafkaOwnedNames(name);
    let security: InternalListenerSecurity = { tls: false, scram: true };
    if (readCluster) {
      const cluster = await readCluster(namespace, name);
      if (!cluster) throw new Error(`KafkaCluster ${namespace}/${name} not found`);
      security = internalListenerSecurity(cluster.spec);
    }
    const endpoint: KafkaEndpoint = {
      brokers: [`${names.bootstrapService}.${namespace}.svc:${KAFKA_CLIENT_PORT}`],
    };
    if (security.scram) {
      const secret = await readSecret(namespace, names.adminSecret);
      const password = secretValue(secret, "password");
      if (password === undefined) {
        throw new Error(
          `Secret ${namespace}/${names.adminSecret} with the admin password not found`,
        );
      }
      endpoint.sasl = { username: secretValue(secret, "username") ?? KAFKA_ADMIN_USER, password };
    }
    if (security.tls) {
      const ca = await caCache.caCertificate(namespace, name);
      if (ca === undefined) {
        throw new Error(`Secret ${namespace}/${names.caSecret} with the cluster CA not found`);
      }
      endpoint.tls = { ca };
    }
    return endpoint;
  };
}

/**
 * A resolver answering from `overrides` (keyed `namespace/cluster`) and falling back to
 * `fallback` for every other cluster: how tests and local development bind a KafkaCluster to a
 * broker outside Kubernetes (KWOK pods run no containers). With `cas`, an override with
 * `tls: true` trusts the cluster's own CA (Secret `<cluster>-kafka-ca`, when it exists) and
 * checks the broker certificate for the bootstrap Service's name
 * `<cluster>-kafka-bootstrap.<namespace>.svc` — the broker bound to serves the certificate the
 * operator issued, at an address that certificate does not name.
 */
export function endpointResolverWithOverrides(
  overrides: ReadonlyMap<string, KafkaEndpoint>,
  fallback: ResolveKafkaEndpoint,
  cas?: ClusterCaCache,
): ResolveKafkaEndpoint {
  if (overrides.size === 0) return fallback;
  return async (cluster) => {
    const override = overrides.get(`${cluster.namespace}/${cluster.name}`);
    if (!override) return fallback(cluster);
    if (override.tls !== true || !cas) return override;
    const ca = await cas.caCertificate(cluster.namespace, cluster.name);
    if (ca === undefined) return override;
    const trust: KafkaTlsTrust = {
      ca,
      servername: `${kafkaOwnedNames(cluster.name).bootstrapService}.${cluster.namespace}.svc`,
    };
    return { ...override, tls: trust };
  };
}

/**
 * The resolver of the Kafka controllers: overrides first (see
 * {@link endpointResolverWithOverrides}), else the bootstrap Service as the cluster's internal
 * listener is configured, both sharing one CA cache.
 */
export function kafkaEndpointResolver(
  reads: EndpointReads,
  overrides: ReadonlyMap<string, KafkaEndpoint>,
): ResolveKafkaEndpoint {
  const cas = new ClusterCaCache(reads.readSecret);
  return endpointResolverWithOverrides(overrides, bootstrapServiceEndpoint(reads, cas), cas);
}
