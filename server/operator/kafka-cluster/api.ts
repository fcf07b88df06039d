import "server-only";
import {
  AppsV1Api,
  KubernetesObjectApi,
  PatchStrategy,
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
import { FIELD_MANAGER } from "../mysql-cluster/names";
import { isNotFound, toKubeApiError } from "../runtime/kube-api-error";

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
  const ignoreNotFound = async (
    remove: () => Promise<unknown>,
    kind: string,
    ns: string,
    name: string,
  ) => {
    try {
      await remove();
    } catch (error) {
      if (!isNotFound(error)) throw toKubeApiError(error, { kind, namespace: ns, name });
    }
  };
  return {
    ...kubeKafkaObjectApi(kubeConfig, KafkaClusterNames),
    async apply(object) {
      try {
        await objects.patch(
          object,
          undefined,
          undefined,
          FIELD_MANAGER,
          true,
          PatchStrategy.ServerSideApply,
        );
      } catch (error) {
        throw toKubeApiError(error, {
          kind: object.kind ?? "object",
          namespace: object.metadata?.namespace,
          name: object.metadata?.name,
        });
      }
    },
    deleteStatefulSet: (namespace, name) =>
      ignoreNotFound(
        () =>
          apps.deleteNamespacedStatefulSet({ namespace, name, propagationPolicy: "Background" }),
        "StatefulSet",
        namespace,
        name,
      ),
    async listClaims(namespace, labelSelector) {
      try {
        return (await core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector })).items;
      } catch (error) {
        throw toKubeApiError(error, { kind: "PersistentVolumeClaim", namespace });
      }
    },
    deleteClaim: (namespace, name) =>
      ignoreNotFound(
        () => core.deleteNamespacedPersistentVolumeClaim({ namespace, name }),
        "PersistentVolumeClaim",
        namespace,
        name,
      ),
    async listPods(namespace, labelSelector) {
      try {
        return (await core.listNamespacedPod({ namespace, labelSelector })).items;
      } catch (error) {
        throw toKubeApiError(error, { kind: "Pod", namespace });
      }
    },
    deletePod: (namespace, name) =>
      ignoreNotFound(() => core.deleteNamespacedPod({ namespace, name }), "Pod", namespace, name),
    async readService(namespace, name) {
      try {
        return await core.readNamespacedService({ namespace, name });
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw toKubeApiError(error, { kind: "Service", namespace, name });
      }
    },
    async listServices(namespace, labelSelector) {
      try {
        return (await core.listNamespacedService({ namespace, labelSelector })).items;
      } catch (error) {
        throw toKubeApiError(error, { kind: "Service", namespace });
      }
    },
    deleteService: (namespace, name) =>
      ignoreNotFound(
        () => core.deleteNamespacedService({ namespace, name }),
        "Service",
        namespace,
        name,
      ),
    async listNodes() {
      try {
        return (await core.listNode()).items;
      } catch (error) {
        throw toKubeApiError(error, { kind: "Node" });
      }
    },
    async readStatefulSet(namespace, name) {
      try {
        return await apps.readNamespacedStatefulSet({ namespace, name });
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw toKubeApiError(error, { kind: "StatefulSet", namespace, name });
      }
    },
  };
}
