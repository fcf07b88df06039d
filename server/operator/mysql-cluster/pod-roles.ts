import "server-only";
import type { V1Pod } from "@kubernetes/client-node";
import { ROLE_LABEL, type MySQLInstanceStatus } from "@/lib/crds/mysql-replication";

/** A role label change on one pod: a value to set, or null to remove the label. */
export interface RoleLabelChange {
  pod: string;
  role: "primary" | "replica" | null;
}

/**
 * The `pilothouse.dev/role` label each pod should carry, from the instances as last probed:
 * `primary` on the recorded primary while it is reachable and writable (and kept, not added, while
 * it is unreachable but not yet replaced, so a short outage does not empty the Service),
 * `replica` on servers replicating cleanly from it, no label otherwise.
 */
export function desiredRole(
  instance: MySQLInstanceStatus | undefined,
  pod: string,
  primary: string | undefined,
  current: string | null,
): "primary" | "replica" | null {
  if (pod === primary) {
    if (!instance || !instance.reachable) return current === "primary" ? "primary" : null;
    return instance.role === "primary" && !instance.readOnly ? "primary" : null;
  }
  return instance?.role === "replica" ? "replica" : null;
}

/**
 * The label patches that bring `pods` to their desired roles, in a safe order: every removal and
 * every demotion first, then the promotion, so that the primary Service never selects two pods.
 */
export function roleLabelChanges(
  pods: readonly V1Pod[],
  instances: readonly MySQLInstanceStatus[],
  primary: string | undefined,
): RoleLabelChange[] {
  const changes: RoleLabelChange[] = [];
  for (const pod of pods) {
    const name = pod.metadata?.name;
    if (!name || pod.metadata?.deletionTimestamp) continue;
    const current = pod.metadata?.labels?.[ROLE_LABEL] ?? null;
    const wanted = desiredRole(
      instances.find((i) => i.name === name),
      name,
      primary,
      current,
    );
    if (current !== wanted) changes.push({ pod: name, role: wanted });
  }
  return changes.sort((a, b) => rank(a) - rank(b));
}

function rank(change: RoleLabelChange): number {
  return change.role === "primary" ? 1 : 0;
}

/** The label patch body for one change. */
export function roleLabelPatch(change: RoleLabelChange): Record<string, string | null> {
  return { [ROLE_LABEL]: change.role };
}
