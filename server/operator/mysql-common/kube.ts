import "server-only";
import type { Logger } from "pino";
import {
  PatchStrategy,
  type CustomObjectsApi,
  type KubernetesObject,
  type KubernetesObjectApi,
} from "@kubernetes/client-node";
import { MYSQL_GROUP, MYSQL_VERSION } from "@/lib/crds/mysql-cluster";
import { FIELD_MANAGER } from "../mysql-cluster/names";
import { isConflict, isNotFound, toKubeApiError } from "../runtime/kube-api-error";

/**
 * Apiserver and Event helpers the MySQLBackup and MySQLRestore controllers share.
 */

/** A custom object exactly as read: what is written back to the status subresource. */
export type RawObject = Record<string, unknown> & {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
};

/** A custom resource's `{ group, version, plural }`, as the custom objects API takes it. */
export interface CustomResource {
  group: string;
  version: string;
  plural: string;
}

/** `{ namespace, name }` of an object (empty strings where its metadata lacks them). */
export const metaOf = (object: RawObject) => ({
  namespace: object.metadata?.namespace ?? "",
  name: object.metadata?.name ?? "",
});

/**
 * Runs a read; a 404 answers `undefined`.
 *
 * @throws KubeApiError naming `target` for any other failure.
 */
export async function orUndefined<T>(
  read: () => Promise<T>,
  target: { kind: string; namespace: string; name: string },
): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw toKubeApiError(error, target);
  }
}

/**
 * Lists the custom objects of `resource` in `namespace` (optionally by label selector).
 *
 * @throws KubeApiError naming `kind` and `namespace`.
 */
export async function listCustomObjects(
  custom: CustomObjectsApi,
  resource: CustomResource,
  kind: string,
  namespace: string,
  labelSelector?: string,
): Promise<RawObject[]> {
  try {
    const list = (await custom.listNamespacedCustomObject({
      ...resource,
      namespace,
      labelSelector,
    })) as { items?: RawObject[] };
    return list.items ?? [];
  } catch (error) {
    throw toKubeApiError(error, { kind, namespace });
  }
}

/**
 * Creates a custom object of `resource` as Pilothouse's field manager.
 *
 * @returns `created`, or `exists` when an object of that name is already there (409).
 * @throws KubeApiError naming the object for any other failure.
 */
export async function createCustomObject(
  custom: CustomObjectsApi,
  resource: CustomResource,
  kind: string,
  object: RawObject,
): Promise<"created" | "exists"> {
  const { namespace, name } = metaOf(object);
  try {
    await custom.createNamespacedCustomObject({
      ...resource,
      namespace,
      body: object,
      fieldManager: FIELD_MANAGER,
    });
    return "created";
  } catch (error) {
    if (isConflict(error)) return "exists";
    throw toKubeApiError(error, { kind, namespace, name });
  }
}

/**
 * PUTs `object` to its status subresource; the apiserver answers 409 when `object` is not the
 * latest version.
 *
 * @throws KubeApiError naming the object.
 */
export async function replaceCustomObjectStatus(
  custom: CustomObjectsApi,
  resource: CustomResource,
  kind: string,
  object: RawObject,
): Promise<void> {
  const metadata = metaOf(object);
  try {
    await custom.replaceNamespacedCustomObjectStatus({ ...resource, ...metadata, body: object });
  } catch (error) {
    throw toKubeApiError(error, { kind, ...metadata });
  }
}

/**
 * Sends a JSON merge patch (RFC 7386) of `metadata` to the `mysql.pilothouse.dev` object of
 * `kind` named by `metadata`, as Pilothouse's field manager. With `metadata.resourceVersion`
 * set, the apiserver answers 409 Conflict when it is stale (optimistic concurrency).
 *
 * @throws KubeApiError (404, 409, 403, ...) naming the object.
 * @see https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/
 */
export async function mergePatchMetadata(
  objects: KubernetesObjectApi,
  kind: string,
  metadata: { namespace: string; name: string } & Record<string, unknown>,
): Promise<void> {
  const patch = {
    apiVersion: `${MYSQL_GROUP}/${MYSQL_VERSION}`,
    kind,
    metadata,
  } as KubernetesObject;
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
    throw toKubeApiError(error, { kind, namespace: metadata.namespace, name: metadata.name });
  }
}

/** The object an Event is about. */
export interface EventTarget {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
}

/** A `mysql.pilothouse.dev` object an Event can be recorded on. */
export interface EventSubject {
  apiVersion: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string };
}

/** What {@link recordObjectEvent} needs of a controller's context. */
export interface EventContext<E extends { reason: string }> {
  api: { recordEvent(target: EventTarget, event: E, now: Date): Promise<void> };
  log: Logger;
  now: () => Date;
}

/** Records an Event on `object` (of `kind`); a failure to record is logged, never fatal. */
export async function recordObjectEvent<E extends { reason: string }>(
  context: EventContext<E>,
  kind: string,
  object: EventSubject,
  event: E,
): Promise<void> {
  const { name, namespace, uid, resourceVersion } = object.metadata;
  const target = { apiVersion: object.apiVersion, kind, name, namespace, uid, resourceVersion };
  await context.api.recordEvent(target, event, context.now()).catch((error: unknown) => {
    context.log.warn({ err: error, reason: event.reason }, "could not record event");
  });
}

/** Delay before re-reading an object whose write lost a race (409 Conflict), in ms. */
export const CONFLICT_REQUEUE_MS = 250;

/**
 * Runs a write guarded by resourceVersion (e.g. a status replace).
 *
 * @returns `undefined` once written; a requeue after {@link CONFLICT_REQUEUE_MS} when the
 *   apiserver answered 409 Conflict (the next reconcile re-reads the object).
 * @throws whatever else the write throws.
 */
export async function writeOrRequeue(
  write: () => Promise<void>,
): Promise<{ requeueAfterMs: number } | undefined> {
  try {
    await write();
    return undefined;
  } catch (error) {
    if (!isConflict(error)) throw error;
    return { requeueAfterMs: CONFLICT_REQUEUE_MS };
  }
}
