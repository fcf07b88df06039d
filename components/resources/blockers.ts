/**
 * Why an object is stuck, in words, from its conditions and metadata: a deletion waiting for a
 * finalizer (and the condition saying why), a paused reconcile, a spec not yet applied, and
 * conditions in their bad state with their reasons (not the Ready=False of a cluster stopped on
 * purpose). Pure, for the detail page's "Blocked" panel and generation line.
 */
import { findCondition, isPaused, isStopped, stopStateOf, type Resource } from "./model";

export interface Blocker {
  /** Short headline, e.g. "Deletion waits for finalizer mysql.pilothouse.dev/deletion-policy". */
  title: string;
  /** The condition's reason and message, or what to do. */
  detail: string;
}

/** Kinds that are one run, and their phases after which nothing more is applied. */
const RUN_KINDS = new Set(["MySQLBackup", "MySQLRestore"]);
const FINISHED_PHASES = new Set(["Succeeded", "Failed"]);

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
  // A finished run (backup, restore) was seen through, whatever conditions it carries.
  if (RUN_KINDS.has(object.kind) && FINISHED_PHASES.has(object.status?.phase ?? "")) return false;
  const observed = object.status?.observedGeneration;
  if (observed !== undefined) return observed < generation;
  return (object.status?.conditions ?? []).length === 0;
}

/**
 * Why the object failed, as "reason: message", or `undefined` when it has not. Failed means:
 * `status.phase: Failed`, `Failed=True`, `Degraded=True`, or `Progressing=False` while not Ready
 * or with reason `ProgressDeadlineExceeded` (the operator gave up, e.g. `ApplyFailed`) on an
 * object not stopped on purpose. `Ready=False` alone is not a failure: with `Progressing=True`
 * the object is still being brought up (see {@link progressOf}).
 */
export function failureOf(object: Resource): string | undefined {
  const failedCondition = findCondition(object, "Failed");
  const progressing = findCondition(object, "Progressing");
  const degraded = findCondition(object, "Degraded");
  const ready = findCondition(object, "Ready");
  // Progressing=False is also the resting state of a settled object (RolloutComplete): it is a
  // failure only when the object is not Ready, or the deadline reason says the operator gave up.
  const stuck =
    progressing?.status === "False" &&
    !isStopped(object) &&
    (ready?.status !== "True" || progressing.reason === "ProgressDeadlineExceeded");
  const source =
    failedCondition?.status === "True"
      ? failedCondition
      : stuck
        ? progressing
        : degraded?.status === "True"
          ? degraded
          : object.status?.phase === "Failed"
            ? ready?.status === "False"
              ? ready
              : null
            : undefined;
  if (source === undefined) return undefined;
  if (source === null) return "the operator reports phase Failed";
  return [source.reason, source.message].filter(Boolean).join(": ") || "no reason given";
}

/**
 * What the operator is still doing, as "reason: message", when the object is not Ready yet and
 * `Progressing=True` (and it has not failed); `undefined` otherwise.
 */
export function progressOf(object: Resource): string | undefined {
  const progressing = findCondition(object, "Progressing");
  if (progressing?.status !== "True" || failureOf(object) !== undefined) return undefined;
  if (findCondition(object, "Ready")?.status === "True") return undefined;
  return [progressing.reason, progressing.message].filter(Boolean).join(": ") || "in progress";
}

/**
 * The generation line of a detail page: applied, still pending (with the observed generation),
 * in progress, seen but not Ready (with the Ready reason), or failed with the reason, so a failed object is not shown as "not yet applied"
 * and one still coming up is not shown as failed.
 */
export function generationText(object: Resource): string {
  const generation = object.metadata.generation ?? "—";
  if (specPending(object)) {
    return `${generation} — spec not yet applied (observed ${object.status?.observedGeneration ?? "none"})`;
  }
  const failure = failureOf(object);
  if (failure) return `${generation} — failed: ${failure}`;
  const progress = progressOf(object);
  if (progress) return `${generation} (applied) — in progress: ${progress}`;
  if (stopStateOf(object) === "stopping") {
    const stop = findCondition(object, "Stopped");
    const why = stop ? [stop.reason, stop.message].filter(Boolean).join(": ") : "";
    return `${generation} — stop not done yet${why ? `: ${why}` : ""}`;
  }
  // Seen by the operator but not in effect (e.g. a topic Kafka refused): not "applied".
  const ready = findCondition(object, "Ready");
  if (ready?.status === "False" && !isStopped(object)) {
    const why = [ready.reason, ready.message].filter(Boolean).join(": ");
    return `${generation} — seen by the operator, not Ready${why ? `: ${why}` : ""}`;
  }
  return `${generation} (applied)`;
}

/**
 * The Generation cell of one condition: its `observedGeneration`, and when that is older than
 * `metadata.generation`, "computed for generation N (current M)", neutral: the condition's verdict
 * is about an older spec, but whether the current spec is applied is `status.observedGeneration`'s
 * to say (see {@link generationText}); "—" when the condition carries none.
 */
export function conditionGenerationText(
  conditionGeneration: number | undefined,
  generation: number | undefined,
): string {
  if (conditionGeneration === undefined) return "—";
  if (generation === undefined || conditionGeneration >= generation) {
    return String(conditionGeneration);
  }
  return `computed for generation ${conditionGeneration} (current ${generation})`;
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
  if (stopStateOf(object) === "stopping") {
    const condition = findCondition(object, "Stopped");
    out.push({
      title: `Stop requested, not done yet${condition?.reason ? `: ${condition.reason}` : ""}`,
      detail:
        condition?.message ||
        "spec.stopped is true; the operator has not said yet that the servers are stopped.",
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
