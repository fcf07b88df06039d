import "server-only";
import { isDeepStrictEqual } from "node:util";
import type { Condition } from "@/lib/crds/common";
import type { ReconcileResult } from "../runtime/controller";
import { setConditions } from "../runtime/conditions";
import { isConflict } from "../runtime/kube-api-error";
import type { KafkaObjectApi, RawObject } from "./api";

/** Requeue this soon (ms) after a write conflicted with a newer version of the object. */
export const CONFLICT_REQUEUE_MS = 200;

/**
 * Writes `status` to the object's status subresource unless it equals `current` (no write, so
 * no watch event and no reconcile loop). A conflict (409) asks for a prompt requeue.
 *
 * @returns a requeue on conflict, undefined when written or unchanged.
 */
export async function writeStatusIfChanged(
  api: KafkaObjectApi,
  raw: RawObject,
  current: unknown,
  status: unknown,
): Promise<ReconcileResult | undefined> {
  if (isDeepStrictEqual(status, current ?? {})) return undefined;
  try {
    await api.replaceStatus({ ...raw, status });
  } catch (error) {
    if (isConflict(error)) return { requeueAfterMs: CONFLICT_REQUEUE_MS };
    throw error;
  }
  return undefined;
}

/** Sets the object's finalizers; a conflict (409) asks for a prompt requeue. */
export async function setFinalizersOrRequeue(
  api: KafkaObjectApi,
  raw: RawObject,
  finalizers: string[],
): Promise<ReconcileResult | undefined> {
  try {
    await api.setFinalizers(raw, finalizers);
  } catch (error) {
    if (isConflict(error)) return { requeueAfterMs: CONFLICT_REQUEUE_MS };
    throw error;
  }
  return undefined;
}

/** An error's message, for conditions. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * `object` with a `Paused=True` condition turned `False` (reason `Resumed`): what every status
 * written after the pause annotation is removed starts from, so the UI stops showing "paused".
 */
export function resumed<T extends { status?: { conditions?: Condition[] } }>(
  object: T,
  now: Date,
): T {
  const paused = object.status?.conditions?.find((c) => c.type === "Paused");
  if (paused?.status !== "True") return object;
  const conditions = setConditions(
    object.status?.conditions,
    [{ type: "Paused", status: "False", reason: "Resumed", message: "Reconciliation resumed." }],
    now,
  );
  return { ...object, status: { ...object.status, conditions } };
}
