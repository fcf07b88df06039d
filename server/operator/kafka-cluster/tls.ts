import "server-only";
import { createHash } from "node:crypto";
import type { V1ConfigMap, V1Secret } from "@kubernetes/client-node";
import type { KafkaCluster, KafkaPool, KafkaPoolName } from "@/lib/crds/kafka-cluster";
import {
  certificateStillFits,
  createClusterCa,
  issueServerCertificate,
  keyStorePem,
  type PemKeyPair,
} from "./certificates";
import { addressHost, brokerExternals } from "./external";
import { kafkaLabels, kafkaOwnedNames } from "./names";
import { kafkaOwnerReference } from "./resources";

/** What the TLS step asks of the apiserver (a subset of `KafkaClusterApi`). */
export interface KafkaTlsApi {
  readSecret(namespace: string, name: string): Promise<V1Secret | undefined>;
  createSecret(secret: V1Secret): Promise<"created" | "exists">;
  apply(object: V1Secret | V1ConfigMap): Promise<void>;
}

/** The cluster's TLS material after the step: what status and the pods' hash need. */
export interface ClusterTls {
  /** The cluster CA certificate (PEM), also in the ConfigMap `<cluster>-kafka-ca-cert`. */
  caCertificate: string;
  /** SHA-256 (hex, 16 characters) of the broker certificate: a new one rolls the brokers. */
  fingerprint: string;
}

/**
 * The names a broker certificate must carry: every broker's pod DNS name in its headless
 * Service, the bootstrap and external bootstrap Service names (short, namespaced, `.svc` and
 * `.svc.cluster.local`), and the hosts of the external addresses (DNS names or IPs).
 */
export function brokerCertificateNames(
  cluster: KafkaCluster,
  brokerPool: KafkaPoolName,
  spec: KafkaPool,
  externalAddresses: ReadonlyMap<number, string> | undefined,
): string[] {
  const namespace = cluster.metadata.namespace ?? "";
  const names = kafkaOwnedNames(cluster.metadata.name);
  const service = (name: string) => [
    name,
    `${name}.${namespace}`,
    `${name}.${namespace}.svc`,
    `${name}.${namespace}.svc.cluster.local`,
  ];
  const headless = names.headlessService(brokerPool);
  const pods = brokerExternals(cluster, brokerPool, spec).flatMap(({ ordinal }) => {
    const pod = `${names.statefulSet(brokerPool)}-${ordinal}.${headless}.${namespace}`;
    return [`${pod}.svc`, `${pod}.svc.cluster.local`];
  });
  const external = [...(externalAddresses?.values() ?? [])].map(addressHost);
  return [
    ...new Set([
      ...service(names.bootstrapService),
      ...pods,
      ...(cluster.spec.listeners.external ? service(names.externalService) : []),
      ...external,
    ]),
  ];
}

function secretText(secret: V1Secret | undefined, key: string): string | undefined {
  const value = secret?.data?.[key];
  return value === undefined ? undefined : Buffer.from(value, "base64").toString("utf8");
}

function ownedMeta(cluster: KafkaCluster, name: string) {
  return {
    name,
    namespace: cluster.metadata.namespace,
    labels: kafkaLabels(cluster.metadata.name),
    ownerReferences: [kafkaOwnerReference(cluster)],
  };
}

async function clusterCa(api: KafkaTlsApi, cluster: KafkaCluster, now: Date) {
  const namespace = cluster.metadata.namespace ?? "";
  const name = kafkaOwnedNames(cluster.metadata.name).caSecret;
  const read = async (): Promise<PemKeyPair | undefined> => {
    const secret = await api.readSecret(namespace, name);
    const certificate = secretText(secret, "ca.crt");
    const privateKey = secretText(secret, "ca.key");
    return certificate && privateKey ? { certificate, privateKey } : undefined;
  };
  const existing = await read();
  if (existing) return existing;
  const ca = await createClusterCa(`${cluster.metadata.name}.${namespace} Kafka cluster CA`, now);
  const created = await api.createSecret({
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: ownedMeta(cluster, name),
    stringData: { "ca.crt": ca.certificate, "ca.key": ca.privateKey },
  });
  if (created === "created") return ca;
  const raced = await read();
  if (!raced) throw new Error(`Secret ${namespace}/${name} has no ca.crt and ca.key`);
  return raced;
}

/**
 * The TLS step of a reconcile, when a listener has `tls: true`: the cluster CA (created once, in
 * the Secret `<cluster>-kafka-ca`), the broker certificate for `names` in the Secret
 * `<cluster>-kafka-broker-tls` (`broker.pem` = PKCS#8 key + certificate + CA, `tls.crt`,
 * `tls.key`, `ca.crt`; issued again when the names change, the CA changed, or it expires within
 * 30 days), and the ConfigMap `<cluster>-kafka-ca-cert` (`ca.crt`) clients read.
 */
export async function reconcileClusterTls(
  api: KafkaTlsApi,
  cluster: KafkaCluster,
  names: readonly string[],
  now: Date,
): Promise<ClusterTls> {
  const namespace = cluster.metadata.namespace ?? "";
  const owned = kafkaOwnedNames(cluster.metadata.name);
  const ca = await clusterCa(api, cluster, now);
  const current = await api.readSecret(namespace, owned.brokerTlsSecret);
  let certificate = secretText(current, "tls.crt");
  if (!certificate || !certificateStillFits(certificate, ca.certificate, names, now)) {
    const issued = await issueServerCertificate(ca, names, now);
    certificate = issued.certificate;
    const pem = (text: string) => Buffer.from(text).toString("base64");
    await api.apply({
      apiVersion: "v1",
      kind: "Secret",
      type: "Opaque",
      metadata: ownedMeta(cluster, owned.brokerTlsSecret),
      data: {
        "broker.pem": pem(keyStorePem(issued, ca.certificate)),
        "tls.crt": pem(issued.certificate),
        "tls.key": pem(issued.privateKey),
        "ca.crt": pem(ca.certificate),
      },
    });
  }
  await api.apply({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: ownedMeta(cluster, owned.caConfigMap),
    data: { "ca.crt": ca.certificate },
  });
  return {
    caCertificate: ca.certificate,
    fingerprint: createHash("sha256").update(certificate).digest("hex").slice(0, 16),
  };
}
