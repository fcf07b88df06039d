import "server-only";
import type { Logger } from "pino";
import type { KubernetesObjectApi } from "@kubernetes/client-node";
import { MYSQL_GROUP, MYSQL_VERSION } from "@/lib/crds/mysql-cluster";
import {
  mergePatchMetadata as mergeCustomObjectMetadata,
  type EventTarget,
} from "../runtime/custom-objects";
import { isConflict } from "../runtime/kube-api-error";

/**
 * Apiserver and Event helpers the MySQLBackup and MySQLRestore controllers share: the generic
 * ones of `../runtime/custom-objects`, bound to `mysql.pilothouse.dev` where a group is needed.
 */

export {
  createCustomObject,
  listCustomObjects,
  metaOf,
  orUndefined,
  replaceCustomObjectStatus,
  type CustomResource,
  type EventTarget,
  type RawObject,
} from "../runtime/custom-objects";

/**
 * Sends a JSON merge patch (RFC 7386) of `metadata` to the `mysql.pilothouse.dev` object of
 * `kind` named by `metadata` (see {@link mergeCustomObjectMetadata}).
 *
 * @throws KubeApiError (404, 409, 403, ...) naming the object.
 */
export function mergePatchMetadata(
  objects: KubernetesObjectApi,
  kind: string,
  metadata: { namespace: string; name: string } & Record<string, unknown>,
): Promise<void> {
  return mergeCustomObjectMetadata(
    objects,
    { apiVersion: `${MYSQL_GROUP}/${MYSQL_VERSION}`, kind },
    metadata,
  );
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
