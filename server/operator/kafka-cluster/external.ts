import "server-only";
import type { V1Node, V1Service, V1ServicePort } from "@kubernetes/client-node";
import {
  NODE_ID_BASE,
  type KafkaCluster,
  type KafkaPool,
  type KafkaPoolName,
} from "@/lib/crds/kafka-cluster";
import { KAFKA_LABEL, kafkaLabels, kafkaOwnedNames, poolSelector } from "./names";
import { kafkaOwnerReference } from "./resources";

/** The label the StatefulSet controller puts on each pod: selects one broker. */
export const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";

/** `app.kubernetes.io/component` of the external Services (bootstrap and per broker). */
export const EXTERNAL_COMPONENT = "external-listener";

/** Selects the external Services of one cluster: what is pruned when brokers or the listener go. */
export function externalServicesSelector(cluster: string): string {
  return `${KAFKA_LABEL.instance}=${cluster},${KAFKA_LABEL.component}=${EXTERNAL_COMPONENT}`;
}

/** One broker's external Service and the node ID it serves. */
export interface BrokerExternal {
  nodeId: number;
  ordinal: number;
  service: string;
}

/** The brokers of the broker (or combined) pool, with the names of their external Services. */
export function brokerExternals(
  cluster: KafkaCluster,
  brokerPool: KafkaPoolName,
  spec: KafkaPool,
): BrokerExternal[] {
  const names = kafkaOwnedNames(cluster.metadata.name);
  return Array.from({ length: spec.replicas }, (_, ordinal) => ({
    nodeId: NODE_ID_BASE[brokerPool] + ordinal,
    ordinal,
    service: names.brokerExternalService(brokerPool, ordinal),
  }));
}

function servicePort(port: number, existing: V1Service | undefined): V1ServicePort {
  // A NodePort Service keeps the node port it was allocated: clients were told that address.
  const nodePort = existing?.spec?.ports?.find((p) => p.name === "external")?.nodePort;
  return { name: "external", port, targetPort: port, ...(nodePort ? { nodePort } : {}) };
}

/**
 * The external Service of `service` (a LoadBalancer or NodePort as `spec.listeners.external.type`
 * says) selecting `selector`, keeping the node port of `existing` so an address never moves.
 *
 * @throws Error when the cluster has no external listener.
 */
export function externalListenerService(
  cluster: KafkaCluster,
  name: string,
  selector: Record<string, string>,
  existing: V1Service | undefined,
): V1Service {
  const external = cluster.spec.listeners.external;
  if (!external) throw new Error(`KafkaCluster ${cluster.metadata.name} has no external listener`);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name,
      namespace: cluster.metadata.namespace,
      labels: {
        ...kafkaLabels(cluster.metadata.name),
        [KAFKA_LABEL.component]: EXTERNAL_COMPONENT,
      },
      ownerReferences: [kafkaOwnerReference(cluster)],
    },
    spec: {
      type: external.type,
      selector,
      ports: [servicePort(external.port, existing)],
    },
  };
}

/** The Service of one broker: selects its pod by name (`<statefulset>-<ordinal>`). */
export function brokerExternalService(
  cluster: KafkaCluster,
  brokerPool: KafkaPoolName,
  broker: BrokerExternal,
  existing: V1Service | undefined,
): V1Service {
  const pod = `${kafkaOwnedNames(cluster.metadata.name).statefulSet(brokerPool)}-${broker.ordinal}`;
  return externalListenerService(
    cluster,
    broker.service,
    { ...poolSelector(cluster.metadata.name, brokerPool), [POD_NAME_LABEL]: pod },
    existing,
  );
}

/** The external bootstrap Service: every broker of the pool behind one address. */
export function externalBootstrapService(
  cluster: KafkaCluster,
  brokerPool: KafkaPoolName,
  existing: V1Service | undefined,
): V1Service {
  return externalListenerService(
    cluster,
    kafkaOwnedNames(cluster.metadata.name).externalService,
    poolSelector(cluster.metadata.name, brokerPool),
    existing,
  );
}

function nodeAddress(node: V1Node): string | undefined {
  const addresses = node.status?.addresses ?? [];
  return (
    addresses.find((a) => a.type === "ExternalIP")?.address ??
    addresses.find((a) => a.type === "InternalIP")?.address
  );
}

function nodeReady(node: V1Node): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/**
 * The address (`host:port`) clients outside Kubernetes reach one broker at, from its Service as
 * read back from the apiserver; undefined while there is none yet.
 * - LoadBalancer: the first `status.loadBalancer.ingress` (IP, else hostname) and the Service port.
 * - NodePort: the allocated node port on a Ready node with an address — the `ordinal`-th of them
 *   by name, modulo their number, so brokers spread over nodes and an address only moves when
 *   the set of nodes does. The node's ExternalIP, else its InternalIP (KWOK nodes have only that).
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport
 */
export function externalAddress(
  service: V1Service | undefined,
  nodes: readonly V1Node[],
  ordinal: number,
): string | undefined {
  const port = service?.spec?.ports?.find((p) => p.name === "external");
  if (!service || !port) return undefined;
  if (service.spec?.type === "LoadBalancer") {
    const ingress = service.status?.loadBalancer?.ingress?.[0];
    const host = ingress?.ip ?? ingress?.hostname;
    return host ? `${host}:${port.port}` : undefined;
  }
  if (!port.nodePort) return undefined;
  const candidates = nodes
    .filter(nodeReady)
    .map((node) => ({ name: node.metadata?.name ?? "", address: nodeAddress(node) }))
    .filter((node): node is { name: string; address: string } => node.address !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
  const node = candidates[ordinal % Math.max(candidates.length, 1)];
  return node ? `${node.address}:${port.nodePort}` : undefined;
}

/** Every broker's external address, or the first Service still waiting for one. */
export type ExternalAddresses =
  { ready: true; byNodeId: ReadonlyMap<number, string> } | { ready: false; waitingFor: string };

/** Gathers the brokers' addresses (`externalAddress`); not ready until every broker has one. */
export function externalAddresses(
  brokers: readonly BrokerExternal[],
  services: ReadonlyMap<string, V1Service | undefined>,
  nodes: readonly V1Node[],
): ExternalAddresses {
  const byNodeId = new Map<number, string>();
  for (const broker of brokers) {
    const address = externalAddress(services.get(broker.service), nodes, broker.ordinal);
    if (!address) return { ready: false, waitingFor: broker.service };
    byNodeId.set(broker.nodeId, address);
  }
  return { ready: true, byNodeId };
}

/** The host part of `host:port` (IPv6 in brackets or not). */
export function addressHost(address: string): string {
  const host = address.slice(0, address.lastIndexOf(":"));
  return host.replace(/^\[|\]$/g, "");
}
