import "server-only";
import {
  AppsV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
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
}

/**
 * The {@link KafkaClusterApi} over a real apiserver.
 *
 * @see https://kubernetes.io/docs/reference/using-api/server-side-apply/
 */
export function kubeKafkaClusterApi(kubeConfig: KubeConfig): KafkaClusterApi {
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
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
