/**
 * The alerts the dashboard shows, from three sources, in one shape: conditions the operator
 * writes (Degraded, Ready=False, BackupHealthy=False, ReplicationHealthy=False, a Failed run),
 * Warning Events about Pilothouse objects, and Alertmanager's alerts matched by labels. Pure, so
 * the rules are tested without a browser.
 */
import type { EventSummary, ExternalAlert } from "@/lib/api/related";
import { clusterNameOf, findCondition, isStopped, type Resource } from "../resources/model";

export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface DashboardAlert {
  /** Stable across renders, for React keys and de-duplication. */
  id: string;
  severity: Severity;
  source: "condition" | "event" | "alertmanager";
  title: string;
  message: string;
  namespace: string;
  /** The object it is about, when known (plural and name). */
  object?: { plural: string; name: string };
  /** The cluster it is about (the object itself, or the cluster it belongs to). */
  cluster?: string;
  /** ISO 8601. */
  since?: string;
  /** The condition's or Event's reason (`ClusterNotFound`), the key of {@link dedupeAlerts}. */
  reason?: string;
}

/** Alertmanager severities Pilothouse knows; anything else counts as `warning`. */
export function normalizeSeverity(value: string): Severity {
  const v = value.toLowerCase();
  if (v === "critical" || v === "error" || v === "page") return "critical";
  if (v === "info" || v === "none" || v === "informational") return "info";
  return "warning";
}

/** Condition rules: which state of which type is an alert, and how bad. */
const CONDITION_RULES: { type: string; status: "True" | "False"; severity: Severity }[] = [
  { type: "ReplicationHealthy", status: "False", severity: "critical" },
  { type: "Degraded", status: "True", severity: "warning" },
  { type: "Ready", status: "False", severity: "critical" },
  { type: "BackupHealthy", status: "False", severity: "warning" },
];

/** Reasons of Ready=False that are wanted states, not problems. */
const EXPECTED_NOT_READY = new Set(["Stopped", "Paused", "Stopping", "Deleting"]);

/** Alerts of one object from its conditions and, for backup/restore runs, a Failed phase. */
export function alertsFromObject(plural: string, object: Resource): DashboardAlert[] {
  const namespace = object.metadata.namespace ?? "";
  const name = object.metadata.name;
  const cluster = object.kind.endsWith("Cluster") ? name : clusterNameOf(object);
  const base = { namespace, object: { plural, name }, cluster };
  const out: DashboardAlert[] = [];
  for (const rule of CONDITION_RULES) {
    const c = findCondition(object, rule.type);
    if (!c || c.status !== rule.status) continue;
    if (rule.type === "Ready" && (isStopped(object) || EXPECTED_NOT_READY.has(c.reason))) continue;
    // A cluster merely starting up is not an alert (Progressing=True with Ready=False).
    if (rule.type === "Ready" && findCondition(object, "Progressing")?.status === "True") continue;
    out.push({
      ...base,
      id: `condition/${plural}/${namespace}/${name}/${c.type}`,
      severity: plural.endsWith("clusters") ? rule.severity : "warning",
      source: "condition",
      title: `${object.kind} ${name}: ${c.type}=${c.status} (${c.reason})`,
      message: c.message,
      since: c.lastTransitionTime,
      reason: c.reason,
    });
  }
  if (object.status?.phase === "Failed" && !plural.endsWith("clusters")) {
    const error = object.status.error as { message?: unknown } | undefined;
    // Topics and users write no status.error or completedAt: their Failed or Ready=False
    // condition says why and since when.
    const why = [findCondition(object, "Failed"), findCondition(object, "Ready")].find(
      (c) => c !== undefined && c.status === (c.type === "Failed" ? "True" : "False"),
    );
    const errorMessage = typeof error?.message === "string" ? error.message : "";
    out.push({
      ...base,
      id: `condition/${plural}/${namespace}/${name}/Failed`,
      severity: "warning",
      source: "condition",
      title: `${object.kind} ${name} failed${why ? ` (${why.reason})` : ""}`,
      message: errorMessage || (why ? why.message || why.reason : ""),
      since:
        typeof object.status.completedAt === "string"
          ? object.status.completedAt
          : why?.lastTransitionTime,
      reason: why?.reason,
    });
  }
  return out;
}

/**
 * Alerts of Warning Events, attributed to the object (and through it to its cluster) when the
 * object is among `objects` (keyed `Kind/name`).
 */
export function alertsFromEvents(
  namespace: string,
  events: readonly EventSummary[],
  objects: ReadonlyMap<string, { plural: string; object: Resource }>,
): DashboardAlert[] {
  return events
    .filter((e) => e.type === "Warning")
    .map((e, index) => {
      const found = objects.get(`${e.involvedKind}/${e.involvedName}`);
      const cluster = found
        ? found.object.kind.endsWith("Cluster")
          ? found.object.metadata.name
          : clusterNameOf(found.object)
        : e.involvedKind.endsWith("Cluster")
          ? e.involvedName
          : undefined;
      return {
        id: `event/${namespace}/${e.involvedKind}/${e.involvedName}/${e.reason}/${index}`,
        severity: "warning" as const,
        source: "event" as const,
        title: `${e.involvedKind} ${e.involvedName}: ${e.reason}${e.count > 1 ? ` (×${e.count})` : ""}`,
        message: e.message,
        namespace,
        object: found ? { plural: found.plural, name: e.involvedName } : undefined,
        cluster,
        since: e.lastSeen,
        reason: e.reason,
      };
    });
}

/**
 * The kind of cluster an Alertmanager alert is about, from its labels: a `mysqlcluster` or
 * `kafkacluster` label, else the alert name of Pilothouse's own rules (deploy/prometheus/:
 * `PilothouseMySQL…`, `PilothouseKafka…`, whose `cluster` label comes from the operator's metrics).
 */
export function clusterKindOf(alert: ExternalAlert): "MySQLCluster" | "KafkaCluster" | undefined {
  const { labels } = alert;
  if (labels.mysqlcluster !== undefined) return "MySQLCluster";
  if (labels.kafkacluster !== undefined) return "KafkaCluster";
  if (/^PilothouseMySQL/.test(alert.name)) return "MySQLCluster";
  if (/^PilothouseKafka/.test(alert.name)) return "KafkaCluster";
  return undefined;
}

/**
 * Alertmanager's alerts in the dashboard's shape (matched to a cluster by the server), linked to
 * the cluster object when it is among `objects` (keyed `Kind/name`, of the alert's namespace).
 * The message is the server's summary (the alert's `summary`, else `description` annotation, see
 * `toExternalAlert`), else the alert's name: never empty, even from an older server.
 */
export function alertsFromAlertmanager(
  alerts: readonly ExternalAlert[],
  objects: ReadonlyMap<string, { plural: string; object: Resource }> = new Map(),
): DashboardAlert[] {
  return alerts.map((a, index) => {
    const kind = clusterKindOf(a);
    const found = a.cluster && kind ? objects.get(`${kind}/${a.cluster}`) : undefined;
    return {
      id: `alertmanager/${a.namespace}/${a.name}/${a.cluster ?? ""}/${index}`,
      severity: normalizeSeverity(a.severity),
      source: "alertmanager" as const,
      title: a.cluster ? `${a.name} on ${a.cluster}` : a.name,
      message: a.summary.trim() || a.name,
      namespace: a.namespace,
      object: found ? { plural: found.plural, name: found.object.metadata.name } : undefined,
      cluster: a.cluster,
      since: a.startsAt,
    };
  });
}

/**
 * One alert per problem: alerts about the same object with the same reason (the Ready=False
 * condition, the Failed phase and the Warning Event the operator recorded for the same reason)
 * become one, the first kept (conditions come before Events), its empty message or time filled
 * from the others. Alerts without an object or reason (Alertmanager's) are kept as they are.
 */
export function dedupeAlerts(alerts: readonly DashboardAlert[]): DashboardAlert[] {
  const kept: DashboardAlert[] = [];
  const byKey = new Map<string, number>();
  for (const alert of alerts) {
    const key =
      alert.object && alert.reason
        ? `${alert.namespace}/${alert.object.plural}/${alert.object.name}/${alert.reason}`
        : undefined;
    const index = key === undefined ? undefined : byKey.get(key);
    if (index === undefined) {
      if (key !== undefined) byKey.set(key, kept.length);
      kept.push(alert);
      continue;
    }
    const first = kept[index] as DashboardAlert;
    kept[index] = {
      ...first,
      severity: rankOf(alert.severity) < rankOf(first.severity) ? alert.severity : first.severity,
      message: first.message || alert.message,
      since: first.since ?? alert.since,
    };
  }
  return kept;
}

const rankOf = (s: Severity) => SEVERITIES.indexOf(s);

/** Most severe first, then newest first. */
export function sortAlerts(alerts: readonly DashboardAlert[]): DashboardAlert[] {
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  return [...alerts].sort(
    (a, b) => rank(a.severity) - rank(b.severity) || (b.since ?? "").localeCompare(a.since ?? ""),
  );
}

/** Alerts per cluster, keyed `namespace/cluster`. */
export function countByCluster(alerts: readonly DashboardAlert[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of alerts) {
    if (!a.cluster) continue;
    const key = `${a.namespace}/${a.cluster}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
