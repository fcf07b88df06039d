import "server-only";
import type { ActionName, KindInfo } from "@/lib/api/kinds";
import type { UserIdentity } from "../auth/identity";
import type { EventRecorder } from "../kube/events";
import { moduleLogger } from "../log";

/**
 * The audit trail of the REST API: every mutating request writes one structured JSON line (who,
 * their groups, what, on which object, the outcome) and, when it changed an existing object, a
 * Normal Kubernetes Event on that object naming the user, so that `kubectl describe` and the
 * dashboard's Events list show who did it. Refusals are in the log only: a Warning Event on the
 * target would let anyone who may read an object raise alerts on it.
 */

const log = moduleLogger("api/audit");

/** What a mutating request did. */
export type AuditVerb = "create" | "update" | "delete" | ActionName;

/** One audited request. */
export interface AuditEntry {
  user: UserIdentity;
  verb: AuditVerb;
  kind: KindInfo;
  namespace: string;
  /** Unknown when a create body did not parse. */
  name?: string;
  /** The HTTP status answered. */
  status: number;
  /** The error code answered, for refusals. */
  code?: string;
  dryRun?: boolean;
  /** The object's uid when it exists: the Event is recorded only then. */
  uid?: string;
  /** Extra words for the Event, e.g. `to orders-1` or `(MySQLBackup orders-x)`. */
  detail?: string;
}

const PAST: Record<AuditVerb, string> = {
  create: "created",
  update: "updated",
  delete: "deleted",
  start: "started",
  stop: "stopped",
  backup: "started a backup of",
  restore: "started a restore of",
  switchover: "asked for a switchover of",
  pause: "paused reconciliation of",
  resume: "resumed reconciliation of",
};

const reasonOf = (verb: AuditVerb) => `Dashboard${verb.charAt(0).toUpperCase()}${verb.slice(1)}`;

/** The Event's message, e.g. `alice@pilothouse.dev stopped MySQLCluster demo/orders ...`. */
export function auditMessage(entry: AuditEntry): string {
  const target = `${entry.kind.kind} ${entry.namespace}/${entry.name ?? ""}`;
  const detail = entry.detail ? ` ${entry.detail}` : "";
  if (entry.status < 400) {
    return `${entry.user.username} ${PAST[entry.verb]} ${target}${detail} through the dashboard`;
  }
  return `${entry.user.username} was refused ${entry.verb} on ${target}${detail}: ${entry.status} ${entry.code ?? ""}`.trimEnd();
}

/**
 * Logs the entry and records its Event. Never throws: a failure to record is logged, the
 * request's answer stands.
 */
export async function audit(entry: AuditEntry, events: EventRecorder): Promise<void> {
  const outcome = entry.status < 400 ? "success" : "refused";
  log.info(
    {
      audit: true,
      user: entry.user.username,
      groups: entry.user.groups,
      verb: entry.verb,
      target: {
        apiVersion: entry.kind.apiVersion,
        kind: entry.kind.kind,
        namespace: entry.namespace,
        name: entry.name,
      },
      dryRun: entry.dryRun ?? false,
      outcome,
      status: entry.status,
      code: entry.code,
    },
    `${entry.verb} ${entry.kind.kind} ${outcome}`,
  );
  if (entry.dryRun || !entry.name || !entry.uid || outcome !== "success") return;
  try {
    await events.record(
      {
        apiVersion: entry.kind.apiVersion,
        kind: entry.kind.kind,
        namespace: entry.namespace,
        name: entry.name,
        uid: entry.uid,
      },
      {
        type: "Normal",
        reason: reasonOf(entry.verb),
        message: auditMessage(entry),
      },
    );
  } catch (err) {
    log.warn({ err, verb: entry.verb, name: entry.name }, "could not record the audit Event");
  }
}
