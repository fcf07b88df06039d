/**
 * Why an object is stuck, in words, from its conditions and metadata: a deletion waiting for a
 * finalizer (and the condition saying why), a paused reconcile, a spec not yet applied, and
 * conditions in their bad state with their reasons (not the Ready=False of a cluster stopped on
 * purpose). Pure, for the detail page's "Blocked" panel and generation line.
 */
import { findCondition, isPaused, isStopped, type Resource } from "./model";

export interface Blocker {
  /** Short headline, e.g. "Deletion waits for finalizer mysql.pilothouse.dev/deletion-policy". */
  title: string;
  /** The condition's reason and message, or what to do. */
  detail: string;
}

/** Condition types whose `True` is the bad state. */
const BAD_WHEN_TRUE = new Set(["Degraded", "Failed", "Stalled"]);
/** Condition types whose `False` is the bad state. */
const BAD_WHEN_FALSE = new Set(["Ready", "BackupHealthy", "ReplicationHealthy"]);

/**
 * Whether the current spec is still waiting for the operator: it writes `observedGeneration`
 * for this kind and that is behind `metadata.generation`, or it has written no condition at all
 * yet. A kind without `observedGeneration` (topics, users, backup runs) that has conditions has
 * been seen: its conditions tell how that went.
 */
export function specPending(object: Resource): boolean {
  const generation = object.metadata.generation;
  if (generation === undefined) return false;
  const observed = object.status?.observedGeneration;
  if (observed !== undefined) return observed < generation;
  return (object.status?.conditions ?? []).length === 0;
}

/**
 * Why the object failed (`status.phase: Failed`, or `Ready=False` when not stopped on purpose),
 * as "reason: message", or `undefined` when it has not failed.
 */
export function failureOf(object: Resource): string | undefined {
  const ready = findCondition(object, "Ready");
  const failedCondition = findCondition(object, "Failed");
  const failed =
    object.status?.phase === "Failed" ||
    failedCondition?.status === "True" ||
    (ready?.status === "False" && !isStopped(object));
  if (!failed) return undefined;
  const source = failedCondition?.status === "True" ? failedCondition : ready;
  if (!source) return "the operator reports phase Failed";
  return [source.reason, source.message].filter(Boolean).join(": ") || "no reason given";
}

/**
 * The generation line of a detail page: applied, still pending (with the observed generation),
 * or failed with the reason, so a failed object is not shown as "not yet applied".
 */
export function generationText(object: Resource): string {
  const generation = object.metadata.generation ?? "—";
  if (specPending(object)) {
    return `${generation} — spec not yet applied (observed ${object.status?.observedGeneration ?? "none"})`;
  }
  const failure = failureOf(object);
  return failure ? `${generation} — failed: ${failure}` : `${generation} (applied)`;
}

/** Every reason the object is not simply fine, most important first. */
export function blockersOf(object: Resource): Blocker[] {
  const out: Blocker[] = [];
  const { metadata } = object;
  if (metadata.deletionTimestamp) {
    const finalizers = metadata.finalizers ?? [];
    const deleting = findCondition(object, "Deleting");
    const why = deleting
      ? `${deleting.reason}: ${deleting.message}`
      : "The operator has not said why yet (no Deleting condition).";
    out.push({
      title:
        finalizers.length > 0
          ? `Deletion waits for finalizer ${finalizers.join(", ")}`
          : "Being deleted",
      detail: why,
    });
  }
  if (isPaused(object)) {
    const paused = findCondition(object, "Paused");
    out.push({
      title: "Reconcile is paused",
      detail: paused
        ? `${paused.reason}: ${paused.message}`
        : "The annotation pilothouse.dev/reconcile=paused stops the operator; resume to apply changes.",
    });
  }
  if (specPending(object)) {
    out.push({
      title: "Spec not yet applied",
      detail: `Generation ${metadata.generation ?? "?"} is not applied yet (observed ${object.status?.observedGeneration ?? "none"}).`,
    });
  }
  const stopped = isStopped(object);
  for (const c of object.status?.conditions ?? []) {
    // A cluster stopped on purpose is not Ready, and that is what the user asked for.
    if (stopped && c.type === "Ready") continue;
    const bad =
      (BAD_WHEN_TRUE.has(c.type) && c.status === "True") ||
      (BAD_WHEN_FALSE.has(c.type) && c.status === "False");
    if (bad) out.push({ title: `${c.type}=${c.status}: ${c.reason}`, detail: c.message });
  }
  return out;
}
