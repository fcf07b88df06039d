import "server-only";
import type { V1Pod } from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";
import { SWITCHOVER_ANNOTATION, type MySQLInstanceStatus } from "@/lib/crds/mysql-replication";
import { isNotFound } from "../runtime/kube-api-error";
import type { ClusterApi } from "./api";
import type { ClusterMetrics } from "./metrics";
import { roleLabelChanges, roleLabelPatch } from "./pod-roles";
import type { ReplicationStepResult } from "./replication-step";
import { scaleDownSwitchoverEvent } from "./scale-down";

/** Attempts at recording a new primary before the reconcile gives up and throws. */
const RECORD_ATTEMPTS = 5;

async function patchStatusWithRetry(
  api: ClusterApi,
  cluster: MySQLCluster,
  patch: Record<string, unknown>,
): Promise<void> {
  const { namespace = "", name } = cluster.metadata;
  for (let attempt = 1; ; attempt++) {
    try {
      return await api.patchStatus(namespace, name, patch);
    } catch (error) {
      if (attempt >= RECORD_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/**
 * Records what a replication step changed, in the order that keeps the record safe: the new
 * primary (`status.primary` with `lastFailover` / `lastSwitchover`) first, with a merge patch
 * that cannot conflict and is retried, because the next reconcile trusts it; then the Event;
 * then the switchover annotation is removed (only if it still asks for the same pod). A
 * switchover run before a scale-down gets its `SwitchingOverBeforeScaleDown` Event first.
 *
 * @returns true when the cluster's status was patched (the caller must re-read the cluster).
 * @throws KubeApiError when the new primary could not be recorded after retries.
 */
export async function recordTopology(
  api: ClusterApi,
  cluster: MySQLCluster,
  step: ReplicationStepResult,
  now: Date,
  metrics: ClusterMetrics,
  log: Logger,
): Promise<boolean> {
  const { namespace = "", name } = cluster.metadata;
  const event = async (e: { type: "Normal" | "Warning"; reason: string; message: string }) =>
    api.recordEvent(cluster, e, now).catch((error: unknown) => {
      log.warn({ err: error, reason: e.reason }, "could not record event");
    });
  if (step.failoverRefused) metrics.topologyChange(namespace, name, "failover", "refused");
  let patched = false;
  let handledSwitchover: string | undefined;
  const progressing = cluster.status?.conditions?.find((c) => c.type === "Progressing");
  const scaleDownEvent = step.scaleDown && scaleDownSwitchoverEvent(step.scaleDown, progressing);
  if (scaleDownEvent) await event(scaleDownEvent);
  if (step.change) {
    await patchStatusWithRetry(api, cluster, step.change.statusPatch);
    patched = true;
    log.warn(
      { from: step.change.from, to: step.change.to, kind: step.change.kind },
      "new primary recorded",
    );
    await event(step.change.event);
    if (step.change.kind !== "adopt") {
      metrics.topologyChange(namespace, name, step.change.kind, "succeeded");
    }
    if (step.change.kind === "switchover") handledSwitchover = step.change.to;
  }
  if (step.switchoverAnswered) {
    const { target, record } = step.switchoverAnswered;
    await patchStatusWithRetry(api, cluster, { lastSwitchover: record });
    patched = true;
    await event(step.switchoverAnswered.event);
    if (record.outcome !== "Succeeded")
      metrics.topologyChange(namespace, name, "switchover", "refused");
    handledSwitchover = target;
  }
  // A switchover the operator chose itself (before a scale-down) has no annotation to remove.
  const requested = cluster.metadata.annotations?.[SWITCHOVER_ANNOTATION];
  if (handledSwitchover !== undefined && requested === handledSwitchover) {
    await api.removeAnnotation(namespace, name, SWITCHOVER_ANNOTATION, handledSwitchover);
  }
  return patched;
}

/**
 * Brings the pods' `pilothouse.dev/role` labels to the topology (see pod-roles.ts): removals
 * and demotions before the promotion. A pod deleted meanwhile is skipped.
 */
export async function applyRoleLabels(
  api: ClusterApi,
  namespace: string,
  pods: readonly V1Pod[],
  instances: readonly MySQLInstanceStatus[],
  primary: string | undefined,
  log: Logger,
): Promise<void> {
  for (const change of roleLabelChanges(pods, instances, primary)) {
    try {
      await api.patchPodLabels(namespace, change.pod, roleLabelPatch(change));
      log.info({ pod: change.pod, role: change.role }, "role label set");
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
