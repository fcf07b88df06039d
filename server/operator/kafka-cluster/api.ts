import "server-only";
import {
  AppsV1Api,
  KubernetesObjectApi,
  type KubeConfig,
  CoreV1Api,
  type KubernetesObject,
  type V1Node,
  type V1PersistentVolumeClaim,
  type V1Pod,
  type V1Service,
  type V1StatefulSet,
} from "@kubernetes/client-node";
import { KafkaClusterNames } from "@/lib/crds/kafka-cluster";
import { kubeKafkaObjectApi, type KafkaObjectApi } from "../kafka-common/api";
import { ignoreNotFound, listItems, orUndefined, serverSideApply } from "../runtime/custom-objects";

/** What the KafkaCluster controller asks of the apiserver, beyond {@link KafkaObjectApi}. */
export interface KafkaClusterApi extends KafkaObjectApi {
  /** Server-side apply with the operator's field manager, taking over conflicting fields. */
  apply(object: KubernetesObject): Promise<void>;
  readStatefulSet(namespace: string, name: string): Promise<V1StatefulSet | undefined>;
  /** A Service with its status (allocated node ports, load balancer ingress); undefined on 404. */
  readService(namespace: string, name: string): Promise<V1Service | undefined>;
  /** Services matching `labelSelector`. */
  listServices(namespace: string, labelSelector: string): Promise<V1Service[]>;
  /** Deletes a Service; a missing one counts as deleted. */
  deleteService(namespace: string, name: string): Promise<void>;
  /** Every Node: where NodePort addresses come from. */
  listNodes(): Promise<V1Node[]>;
  /** Deletes a StatefulSet (its pods go with it); a missing one counts as deleted. */
  deleteStatefulSet(namespace: string, name: string): Promise<void>;
  /** PersistentVolumeClaims matching `labelSelector`. */
  listClaims(namespace: string, labelSelector: string): Promise<V1PersistentVolumeClaim[]>;
  /** Deletes a PersistentVolumeClaim; a missing one counts as deleted. */
  deleteClaim(namespace: string, name: string): Promise<void>;
  listPods(namespace: string, labelSelector: string): Promise<V1Pod[]>;
  /** Deletes a pod (its StatefulSet recreates it); a missing one counts as deleted. */
  deletePod(namespace: string, name: string): Promise<void>;
}

/**
 * The {@link KafkaClusterApi} over a real apiserver.
 *
 * @see https://kubernetes.io/docs/reference/using-api/server-side-apply/
 */
export function kubeKafkaClusterApi(kubeConfig: KubeConfig): KafkaClusterApi {
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  return {
    ...kubeKafkaObjectApi(kubeConfig, KafkaClusterNames),
    async apply(object) {
      await serverSideApply(objects, object, "object");
    },
    deleteStatefulSet: (namespace, name) =>
      ignoreNotFound(
        () =>
          apps.deleteNamespacedStatefulSet({ namespace, name, propagationPolicy: "Background" }),
        { kind: "StatefulSet", namespace, name },
      ),
    listClaims: (namespace, labelSelector) =>
      listItems(() => core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector }), {
        kind: "PersistentVolumeClaim",
        namespace,
      }),
    deleteClaim: (namespace, name) =>
      ignoreNotFound(() => core.deleteNamespacedPersistentVolumeClaim({ namespace, name }), {
        kind: "PersistentVolumeClaim",
        namespace,
        name,
      }),
    listPods: (namespace, labelSelector) =>
      listItems(() => core.listNamespacedPod({ namespace, labelSelector }), {
        kind: "Pod",
        namespace,
      }),
    deletePod: (namespace, name) =>
      ignoreNotFound(() => core.deleteNamespacedPod({ namespace, name }), {
        kind: "Pod",
        namespace,
        name,
      }),
    readService: (namespace, name) =>
      orUndefined(() => core.readNamespacedService({ namespace, name }), {
        kind: "Service",
        namespace,
        name,
      }),
    listServices: (namespace, labelSelector) =>
      listItems(() => core.listNamespacedService({ namespace, labelSelector }), {
        kind: "Service",
        namespace,
      }),
    deleteService: (namespace, name) =>
      ignoreNotFound(() => core.deleteNamespacedService({ namespace, name }), {
        kind: "Service",
        namespace,
        name,
      }),
    listNodes: () => listItems(() => core.listNode(), { kind: "Node" }),
    readStatefulSet: (namespace, name) =>
      orUndefined(() => apps.readNamespacedStatefulSet({ namespace, name }), {
        kind: "StatefulSet",
        namespace,
        name,
      }),
  };
}
