import "server-only";
import type { Logger } from "pino";
import { ConditionType } from "@/lib/crds/common";
import { KAFKA_CLUSTER_FINALIZER, kafkaPools, type KafkaCluster } from "@/lib/crds/kafka-cluster";
import type { ReconcileResult } from "../runtime/controller";
import { setConditions } from "../runtime/conditions";
import type { RawObject } from "../kafka-common/api";
import { recordEvents } from "../kafka-common/events";
import {
  errorMessage,
  setFinalizersOrRequeue,
  writeStatusIfChanged,
} from "../kafka-common/object-writes";
import type { KafkaClusterApi } from "./api";
import { KAFKA_LABEL, kafkaOwnedNames } from "./names";

/** Retry a deletion that could not finish this soon (ms). */
export const DELETION_RETRY_MS = 10_000;

/** Selects every data volume claim of cluster `name` (the StatefulSets' claim template labels). */
export function clusterClaimSelector(name: string): string {
  return `${KAFKA_LABEL.name}=kafka,${KAFKA_LABEL.instance}=${name}`;
}

/**
 * Carries out `spec.deletionPolicy` for a KafkaCluster being deleted, then releases its
 * finalizer. `Retain`: nothing to do — the StatefulSets keep their claims when deleted, so the
 * volumes (and the cluster ID and node IDs on them) outlive the cluster. `Delete`: deletes the
 * StatefulSets (their pods go, so the claims are no longer in use) and every data volume claim
 * of the cluster. When a step fails the finalizer stays, and `Ready=False` with reason
 * `DeletionBlocked` says why and how to let the object go; the step is retried.
 *
 * @returns undefined when the finalizer was released (or was not there), else a requeue.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/finalizers/
 */
export async function finishDeletion(
  api: KafkaClusterApi,
  raw: RawObject,
  cluster: KafkaCluster,
  log: Logger,
  now: Date,
): Promise<ReconcileResult | undefined> {
  const finalizers = cluster.metadata.finalizers ?? [];
  if (!finalizers.includes(KAFKA_CLUSTER_FINALIZER)) return undefined;
  const namespace = cluster.metadata.namespace ?? "";
  const { name } = cluster.metadata;
  if (cluster.spec.deletionPolicy === "Delete") {
    try {
      for (const { name: pool } of kafkaPools(cluster.spec.kraft)) {
        await api.deleteStatefulSet(namespace, kafkaOwnedNames(name).statefulSet(pool));
      }
      const claims = await api.listClaims(namespace, clusterClaimSelector(name));
      for (const claim of claims) {
        if (claim.metadata?.deletionTimestamp) continue;
        await api.deleteClaim(namespace, claim.metadata?.name ?? "");
      }
      log.info({ namespace, name, claims: claims.length }, "KafkaCluster volumes deleted");
    } catch (error) {
      const message = `Cannot delete the cluster's volumes (deletionPolicy Delete): ${errorMessage(error)}. Remove the finalizer ${KAFKA_CLUSTER_FINALIZER} to let the object go and delete the claims labelled ${clusterClaimSelector(name)} by hand.`;
      const conditions = setConditions(
        cluster.status?.conditions,
        [
          {
            type: ConditionType.Ready,
            status: "False",
            reason: "DeletionBlocked",
            message,
            observedGeneration: cluster.metadata.generation,
          },
        ],
        now,
      );
      const status = { ...cluster.status, phase: "Deleting" as const, conditions };
      const written = await writeStatusIfChanged(api, raw, cluster.status, status);
      if (!written && cluster.status?.phase !== "Deleting") {
        await recordEvents(
          api,
          raw,
          [{ type: "Warning", reason: "DeletionBlocked", message }],
          log,
          now,
        );
      }
      return written ?? { requeueAfterMs: DELETION_RETRY_MS };
    }
  }
  const rest = finalizers.filter((finalizer) => finalizer !== KAFKA_CLUSTER_FINALIZER);
  return setFinalizersOrRequeue(api, raw, rest);
}
