import "server-only";
import type { Condition } from "@/lib/crds/common";

/** A condition as a reconcile computes it: everything but `lastTransitionTime`. */
export type ConditionInput = Omit<Condition, "lastTransitionTime">;

/**
 * A `metav1.Time` string: RFC 3339 in UTC with whole seconds, as the apiserver writes times.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/object-meta/
 */
export function kubeTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The condition of `type`, if present. */
export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}

/** True when the condition of `type` is present with status `True`. */
export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string) {
  return findCondition(conditions, type)?.status === "True";
}

/**
 * Returns `conditions` with `next` set: added when absent, replaced when present, order kept.
 * `lastTransitionTime` is `now` when the condition is new or its status changed, and is kept
 * otherwise — a change of reason or message alone is not a transition.
 *
 * @param now the time of this reconcile; written as whole seconds (see {@link kubeTime}).
 * @see https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md#typical-status-properties
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  next: ConditionInput,
  now: Date,
): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((condition) => condition.type === next.type);
  const previous = index >= 0 ? list[index] : undefined;
  const lastTransitionTime =
    previous && previous.status === next.status ? previous.lastTransitionTime : kubeTime(now);
  const condition: Condition = { ...next, lastTransitionTime };
  if (index >= 0) list[index] = condition;
  else list.push(condition);
  return list;
}

/**
 * Applies {@link setCondition} once per condition type of `next`, in the order each type first
 * appears, with the last value given for that type: a reconcile that first computes a condition
 * and later overrides it (e.g. a missed progress deadline) sets only the final value, so the
 * transition time moves only when that final status differs from the stored one.
 */
export function setConditions(
  conditions: readonly Condition[] | undefined,
  next: readonly ConditionInput[],
  now: Date,
): Condition[] {
  const merged = new Map<string, ConditionInput>();
  for (const condition of next) merged.set(condition.type, condition);
  return [...merged.values()].reduce<Condition[]>(
    (list, condition) => setCondition(list, condition, now),
    [...(conditions ?? [])],
  );
}

/**
 * Returns `conditions` with `observedGeneration` set to `generation` on each: for a status
 * written by a full reconcile of that generation, where every kept condition was computed (or
 * confirmed) from it. Transition times are left alone. A write that does not look at the spec
 * (e.g. a paused object's) must not use this.
 *
 * @see https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md#typical-status-properties
 */
export function withObservedGeneration(
  conditions: readonly Condition[] | undefined,
  generation: number | undefined,
): Condition[] {
  if (generation === undefined) return [...(conditions ?? [])];
  return (conditions ?? []).map((condition) => ({ ...condition, observedGeneration: generation }));
}
