/**
 * Why an object is stuck, in words, from its conditions and metadata: a deletion waiting for a
 * finalizer (and the condition saying why), a paused reconcile, a spec not yet applied, and
 * conditions in their bad state with their reasons. Pure, for the detail page's "Blocked" panel.
 */
import { findCondition, isPaused, specApplied, type Resource } from "./model";

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
  if (!specApplied(object)) {
    out.push({
      title: "Spec not yet applied",
      detail: `Generation ${metadata.generation ?? "?"} is not applied yet (observed ${object.status?.observedGeneration ?? "none"}).`,
    });
  }
  for (const c of object.status?.conditions ?? []) {
    const bad =
      (BAD_WHEN_TRUE.has(c.type) && c.status === "True") ||
      (BAD_WHEN_FALSE.has(c.type) && c.status === "False");
    if (bad) out.push({ title: `${c.type}=${c.status}: ${c.reason}`, detail: c.message });
  }
  return out;
}
