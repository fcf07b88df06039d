import "server-only";
import type { Logger } from "pino";
import type { Condition } from "@/lib/crds/common";
import type { ReconcileResult } from "../runtime/controller";
import type { KafkaObjectApi, RawObject } from "./api";
import { writeStatusIfChanged } from "./object-writes";

/** One Kubernetes Event about a Kafka object (`involvedObject` is the object itself). */
export interface KafkaEvent {
  type: "Normal" | "Warning";
  /** UpperCamelCase, e.g. `ReplicationFactorTooLarge`. */
  reason: string;
  message: string;
}

const find = (conditions: readonly Condition[] | undefined, type: string) =>
  conditions?.find((condition) => condition.type === type);

/**
 * The Events of a change of one condition `type` between two statuses, for conditions whose
 * `True` means trouble (`troubleWhen: "True"`, e.g. `Degraded`) or whose `False` does
 * (`"False"`, e.g. `Ready`): a Warning with the condition's reason and message when trouble
 * starts or its reason changes; a Normal Event (`recovered.reason`) when it ends. Nothing when
 * the condition did not change, so a level-based reconcile that writes the same status again —
 * or an operator restart — raises no duplicate.
 */
export function conditionTransitionEvents(
  previous: readonly Condition[] | undefined,
  next: readonly Condition[] | undefined,
  type: string,
  troubleWhen: "True" | "False",
  recovered: { reason: string; message: (condition: Condition) => string },
): KafkaEvent[] {
  const before = find(previous, type);
  const after = find(next, type);
  if (!after) return [];
  const troubleBefore = before?.status === troubleWhen;
  const troubleAfter = after.status === troubleWhen;
  if (troubleAfter && (!troubleBefore || before?.reason !== after.reason)) {
    return [{ type: "Warning", reason: after.reason, message: after.message }];
  }
  if (!troubleAfter && troubleBefore) {
    return [{ type: "Normal", reason: recovered.reason, message: recovered.message(after) }];
  }
  return [];
}

/**
 * Records `events` on `object`. A failed Event write is logged, never thrown: Events inform,
 * the status is the record.
 */
export async function recordEvents(
  api: Pick<KafkaObjectApi, "recordEvent">,
  object: RawObject,
  events: readonly KafkaEvent[],
  log: Logger,
  now: Date,
): Promise<void> {
  for (const event of events) {
    try {
      await api.recordEvent(object, event, now);
    } catch (error) {
      log.warn({ err: error, reason: event.reason }, "could not record an Event");
    }
  }
}

/**
 * Writes `status` like {@link writeStatusIfChanged}, then records the Events of the `Ready`
 * transition it makes (`Ready=False` is trouble): after the write, so a conflict that retries the
 * reconcile cannot record them twice.
 */
export async function writeStatusWithReadyEvents(
  api: KafkaObjectApi,
  raw: RawObject,
  current: { conditions?: Condition[] } | undefined,
  status: { conditions?: Condition[] },
  log: Logger,
  now: Date,
): Promise<ReconcileResult | undefined> {
  const written = await writeStatusIfChanged(api, raw, current, status);
  if (written) return written;
  const events = conditionTransitionEvents(
    current?.conditions,
    status.conditions,
    "Ready",
    "False",
    {
      reason: "Recovered",
      message: (condition) => condition.message,
    },
  );
  await recordEvents(api, raw, events, log, now);
  return undefined;
}
