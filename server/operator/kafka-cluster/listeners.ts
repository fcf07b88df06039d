import "server-only";
import type { V1Service } from "@kubernetes/client-node";
import type { KafkaCluster, KafkaPool, KafkaPoolName } from "@/lib/crds/kafka-cluster";
import type { KafkaClusterApi } from "./api";
import {
  brokerExternalService,
  brokerExternals,
  externalAddresses,
  externalBootstrapService,
  externalServicesSelector,
} from "./external";
import { clusterUsesTls, type BrokerRendering } from "./kraft-config";
import { kafkaOwnedNames } from "./names";
import { brokerCertificateNames, reconcileClusterTls, type ClusterTls } from "./tls";

/** The listener step's outcome: how to render the brokers, and what status shows. */
export interface ListenersState {
  rendering: BrokerRendering & { tlsFingerprint?: string };
  /** `status.bootstrap.external`: every broker's address, comma-separated, once all are known. */
  externalBootstrap?: string;
  /** The external Service still without an address (the EXTERNAL listener waits for it). */
  waitingFor?: string;
  tls?: ClusterTls & { caConfigMap: string };
}

/**
 * The listener step of a reconcile, before the pools are applied: with an external listener,
 * the external bootstrap Service and one Service per broker (node ports kept across reconciles),
 * read back for their addresses (`external.ts`); the external Services of removed brokers, or of
 * a removed listener, deleted; with a TLS listener, the CA and the broker certificate for the
 * brokers' names and the external addresses known (`tls.ts`).
 */
export async function reconcileListeners(
  api: KafkaClusterApi,
  cluster: KafkaCluster,
  brokerPool: KafkaPoolName,
  spec: KafkaPool,
  now: Date,
): Promise<ListenersState> {
  const namespace = cluster.metadata.namespace ?? "";
  const state: ListenersState = { rendering: {} };
  const brokers = cluster.spec.listeners.external ? brokerExternals(cluster, brokerPool, spec) : [];
  const bootstrapName = kafkaOwnedNames(cluster.metadata.name).externalService;
  // Services of removed brokers, or of a removed external listener, go.
  const wanted = new Set([...brokers.map((broker) => broker.service), bootstrapName]);
  for (const stale of await api.listServices(
    namespace,
    externalServicesSelector(cluster.metadata.name),
  )) {
    const name = stale.metadata?.name ?? "";
    if (!cluster.spec.listeners.external || !wanted.has(name)) {
      await api.deleteService(namespace, name);
    }
  }
  if (cluster.spec.listeners.external) {
    await api.apply(
      externalBootstrapService(
        cluster,
        brokerPool,
        await api.readService(namespace, bootstrapName),
      ),
    );
    const services = new Map<string, V1Service | undefined>();
    for (const broker of brokers) {
      const existing = await api.readService(namespace, broker.service);
      await api.apply(brokerExternalService(cluster, brokerPool, broker, existing));
      services.set(broker.service, await api.readService(namespace, broker.service));
    }
    const needsNodes = cluster.spec.listeners.external.type === "NodePort";
    const addresses = externalAddresses(brokers, services, needsNodes ? await api.listNodes() : []);
    if (addresses.ready) {
      state.rendering.externalAddresses = addresses.byNodeId;
      state.externalBootstrap = [...addresses.byNodeId.values()].join(",");
    } else {
      state.waitingFor = addresses.waitingFor;
    }
  }
  if (clusterUsesTls(cluster)) {
    const names = brokerCertificateNames(
      cluster,
      brokerPool,
      spec,
      state.rendering.externalAddresses,
    );
    const tls = await reconcileClusterTls(api, cluster, names, now);
    state.rendering.tlsFingerprint = tls.fingerprint;
    state.tls = { ...tls, caConfigMap: kafkaOwnedNames(cluster.metadata.name).caConfigMap };
  }
  return state;
}
