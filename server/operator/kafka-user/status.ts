import "server-only";
import { ConditionType } from "@/lib/crds/common";
import type { KafkaUser, KafkaUserStatus } from "@/lib/crds/kafka-user";
import type { KafkaObjectProblem } from "../kafka-common/object-reconciler";
import { setConditions } from "../runtime/conditions";

/** What one reconcile of a KafkaUser achieved. */
export type UserOutcome =
  | { applied: true; secretName: string; acls: number; rotated: boolean }
  | ({ applied: false } & KafkaObjectProblem);

/**
 * The status after one reconcile: `Ready=True` with the user name, Secret and ACL count when the
 * credentials and ACLs are in place (observedGeneration moves); `Ready=False` with the reason
 * otherwise (phase Pending for `ClusterNotFound`), except `DatabaseChecksDisabled`: `Ready=Unknown`
 * (phase Pending), since no broker was contacted and nothing is known of the credential.
 */
export function userStatus(user: KafkaUser, outcome: UserOutcome, now: Date): KafkaUserStatus {
  const generation = user.metadata.generation;
  const previous = user.status ?? {};
  if (outcome.applied) {
    return {
      ...previous,
      observedGeneration: generation,
      phase: "Ready",
      username: user.metadata.name,
      secretName: outcome.secretName,
      acls: outcome.acls,
      conditions: setConditions(
        previous.conditions,
        [
          {
            type: ConditionType.Ready,
            status: "True",
            reason: "Applied",
            message: `SCRAM-SHA-512 credentials in Secret ${outcome.secretName}; ${outcome.acls} ACL binding(s).`,
            observedGeneration: generation,
          },
        ],
        now,
      ),
    };
  }
  return {
    ...previous,
    phase:
      outcome.reason === "DeletionBlocked"
        ? "Deleting"
        : outcome.reason === "ClusterNotFound" || outcome.reason === "DatabaseChecksDisabled"
          ? "Pending"
          : "Failed",
    conditions: setConditions(
      previous.conditions,
      [
        {
          type: ConditionType.Ready,
          status: outcome.reason === "DatabaseChecksDisabled" ? "Unknown" : "False",
          reason: outcome.reason,
          message: outcome.message,
          observedGeneration: generation,
        },
      ],
      now,
    ),
  };
}
