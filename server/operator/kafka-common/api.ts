import "server-only";
import { hostname } from "node:os";
import {
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type V1Secret,
} from "@kubernetes/client-node";
import { KAFKA_API_VERSION, KAFKA_GROUP, KAFKA_VERSION } from "@/lib/crds/kafka-common";
import { isConflict, isNotFound, toKubeApiError } from "../runtime/kube-api-error";
import { FIELD_MANAGER } from "../mysql-cluster/names";
import type { KafkaEvent } from "./events";

/** A custom object exactly as read: what is written back to the status subresource. */
export type RawObject = Record<string, unknown> & {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; uid?: string };
};

/**
 * What the KafkaTopic and KafkaUser controllers ask of the apiserver for one kind (`plural`).
 * Errors are `KubeApiError`s; reads answer undefined for 404.
 */
export interface KafkaObjectApi {
  get(namespace: string, name: string): Promise<RawObject | undefined>;
  /** PUT to the status subresource; 409 when `object` is not the latest version. */
  replaceStatus(object: RawObject): Promise<void>;
  /** Sets `metadata.finalizers`, guarded by the object's resourceVersion (409 when stale). */
  setFinalizers(object: RawObject, finalizers: string[]): Promise<void>;
  readSecret(namespace: string, name: string): Promise<V1Secret | undefined>;
  /** Creates a Secret; `exists` when one of that name is already there. */
  createSecret(secret: V1Secret): Promise<"created" | "exists">;
  /** Creates a core/v1 Event whose involvedObject is `object`. */
  recordEvent(object: RawObject, event: KafkaEvent, now: Date): Promise<void>;
}

/** The {@link KafkaObjectApi} of one Kafka kind over a real apiserver. */
export function kubeKafkaObjectApi(
  kubeConfig: KubeConfig,
  names: { kind: string; plural: string },
): KafkaObjectApi {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  const resource = { group: KAFKA_GROUP, version: KAFKA_VERSION, plural: names.plural };
  const target = (object: RawObject) => ({
    namespace: object.metadata?.namespace ?? "",
    name: object.metadata?.name ?? "",
  });
  const orUndefined = async <T>(read: () => Promise<T>, kind: string, ns: string, name: string) => {
    try {
      return await read();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw toKubeApiError(error, { kind, namespace: ns, name });
    }
  };
  const instance = hostname();
  return {
    async recordEvent(object, event, now) {
      const { namespace = "", name, uid, resourceVersion } = object.metadata ?? {};
      const time = new Date(Math.floor(now.getTime() / 1000) * 1000);
      try {
        await core.createNamespacedEvent({
          namespace,
          body: {
            metadata: { generateName: `${name ?? "kafka"}.`, namespace },
            involvedObject: {
              apiVersion: KAFKA_API_VERSION,
              kind: names.kind,
              name,
              namespace,
              uid,
              resourceVersion,
            },
            type: event.type,
            reason: event.reason,
            message: event.message.slice(0, 1024),
            source: { component: FIELD_MANAGER },
            reportingComponent: FIELD_MANAGER,
            reportingInstance: instance,
            firstTimestamp: time,
            lastTimestamp: time,
            count: 1,
          },
        });
      } catch (error) {
        throw toKubeApiError(error, { kind: "Event", namespace, name });
      }
    },
    get: (namespace, name) =>
      orUndefined(
        async () =>
          (await custom.getNamespacedCustomObject({ ...resource, namespace, name })) as RawObject,
        names.kind,
        namespace,
        name,
      ),
    readSecret: (namespace, name) =>
      orUndefined(() => core.readNamespacedSecret({ namespace, name }), "Secret", namespace, name),
    async createSecret(secret) {
      const namespace = secret.metadata?.namespace ?? "";
      try {
        await core.createNamespacedSecret({ namespace, body: secret, fieldManager: FIELD_MANAGER });
        return "created";
      } catch (error) {
        if (isConflict(error)) return "exists";
        throw toKubeApiError(error, { kind: "Secret", namespace, name: secret.metadata?.name });
      }
    },
    async replaceStatus(object) {
      try {
        await custom.replaceNamespacedCustomObjectStatus({
          ...resource,
          ...target(object),
          body: object,
        });
      } catch (error) {
        throw toKubeApiError(error, { kind: names.kind, ...target(object) });
      }
    },
    async setFinalizers(object, finalizers) {
      // A merge patch carrying resourceVersion: the apiserver answers 409 when it is stale.
      const patch = {
        apiVersion: KAFKA_API_VERSION,
        kind: names.kind,
        metadata: {
          ...target(object),
          resourceVersion: object.metadata?.resourceVersion,
          finalizers,
        },
      };
      try {
        await objects.patch(
          patch,
          undefined,
          undefined,
          FIELD_MANAGER,
          undefined,
          PatchStrategy.MergePatch,
        );
      } catch (error) {
        throw toKubeApiError(error, { kind: names.kind, ...target(object) });
      }
    },
  };
}
