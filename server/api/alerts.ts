import "server-only";
import { z } from "zod";
import { KINDS } from "@/lib/api/kinds";
import type { AlertsResponse, ExternalAlert } from "@/lib/api/related";
import { Dns1123LabelSchema } from "@/lib/crds/common";
import { kubeForUser } from "../kube/client";
import { toKubeError } from "../kube/errors";
import { moduleLogger } from "../log";
import { errorResponse, toApiError } from "./errors";
import { guardRequest } from "./guard";
import { queryOf, validate } from "./request";
import { byLastSeen, eventSummary } from "./related";

/**
 * `GET /api/v1/alerts?namespace=ns`: what the UI adds to the alerts it derives from conditions:
 * the namespace's Warning Events about Pilothouse objects (read as the user), and, when
 * `PILOTHOUSE_ALERTMANAGER_URL` is set, Alertmanager's firing alerts (neither silenced nor
 * inhibited) whose `namespace` label is that namespace, matched to a cluster by their labels.
 * When Alertmanager cannot be read the answer is still 200, with `alertmanager.error` saying why. Alertmanager is read with the dashboard's
 * own network access, so its alerts are only returned once the user's Events read succeeded: a
 * user who cannot see the namespace gets the apiserver's 403, not its alerts.
 *
 * @see https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml
 */

const log = moduleLogger("api/alerts");

/** How long to wait for Alertmanager, in milliseconds. */
const ALERTMANAGER_TIMEOUT_MS = 5_000;

/** Labels that name the cluster an alert is about, in order of preference. */
export const CLUSTER_LABELS = [
  "mysqlcluster",
  "kafkacluster",
  "cluster",
  "pilothouse_cluster",
  "name",
] as const;

const AlertmanagerEnvSchema = z.object({
  PILOTHOUSE_ALERTMANAGER_URL: z
    .url({ protocol: /^https?$/ })
    .transform((v) => v.replace(/\/+$/, ""))
    .optional(),
});

/** One alert of Alertmanager's `GET /api/v2/alerts` (the fields read). */
const GettableAlertSchema = z.object({
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).optional(),
  /** Alertmanager's hash of the labels: one per alert. */
  fingerprint: z.string().optional(),
  startsAt: z.string().optional(),
  status: z.object({ state: z.string() }).optional(),
});
const GettableAlertsSchema = z.array(GettableAlertSchema);
type GettableAlert = z.infer<typeof GettableAlertSchema>;

/** `GET /api/v1/alerts?namespace=`: the query this route validates (also in the OpenAPI document). */
export const AlertsQuerySchema = z.object({ namespace: Dns1123LabelSchema });

/**
 * The Alertmanager base URL from the environment, or `undefined` when none is configured.
 *
 * @throws Error when the variable is set but not an http(s) URL.
 */
export function alertmanagerUrl(env: Record<string, string | undefined>): string | undefined {
  const parsed = AlertmanagerEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error("PILOTHOUSE_ALERTMANAGER_URL must be an http(s) URL", { cause: parsed.error });
  }
  return parsed.data.PILOTHOUSE_ALERTMANAGER_URL;
}

/**
 * States of `status.state` an alert is shown in: `active`, and `unprocessed` (received, not yet
 * through the silences and inhibitions, which the query already applied). `suppressed` (silenced
 * or inhibited) is not shown.
 */
const SHOWN_STATES = new Set(["active", "unprocessed"]);

/** Annotations that say what an alert is about, in order of preference. */
const SUMMARY_ANNOTATIONS = ["summary", "description", "message"] as const;

/**
 * The namespace of the object an alert is about: its `exported_namespace` label when it has one,
 * else its `namespace` label. Prometheus renames a scraped series' own `namespace` label to
 * `exported_namespace` when the target's `namespace` label (the operator pod's) clashes with it
 * and `honor_labels` is false, the Prometheus Operator's default for a ServiceMonitor or
 * PodMonitor.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config (honor_labels)
 */
export function alertNamespaceOf(labels: Record<string, string>): string | undefined {
  return labels.exported_namespace ?? labels.namespace;
}

/** The label matchers that find the alerts about `namespace` (Alertmanager ANDs a query's). */
const NAMESPACE_LABELS = ["namespace", "exported_namespace"] as const;

/**
 * An Alertmanager alert in the UI's terms, or `null` when it is not about `namespace` (see
 * {@link alertNamespaceOf}) or is suppressed. Severity is the `severity` label in lower case (`warning` when absent); the cluster
 * is the first of {@link CLUSTER_LABELS} present; the summary is the first non-blank of the
 * `summary`, `description` and `message` annotations, else the alert's name (`alertname`).
 */
export function toExternalAlert(alert: GettableAlert, namespace: string): ExternalAlert | null {
  const { labels } = alert;
  if (alertNamespaceOf(labels) !== namespace) return null;
  if (alert.status && !SHOWN_STATES.has(alert.status.state)) return null;
  const cluster = CLUSTER_LABELS.map((key) => labels[key]).find((v) => v !== undefined);
  const annotations = alert.annotations ?? {};
  const name = labels.alertname ?? "Alert";
  const summary = SUMMARY_ANNOTATIONS.map((key) => annotations[key]?.trim()).find(Boolean);
  return {
    name,
    severity: (labels.severity ?? "warning").toLowerCase(),
    summary: summary ?? name,
    namespace,
    cluster,
    startsAt: alert.startsAt,
    labels,
  };
}

/**
 * Firing alerts of one namespace from Alertmanager, neither silenced nor inhibited.
 *
 * @param baseUrl - Alertmanager's base URL, e.g. `http://alertmanager:9093`.
 * @throws Error when Alertmanager cannot be reached, answers non-2xx, or answers something
 *   that is not its alert list.
 */
export async function fetchAlertmanagerAlerts(
  baseUrl: string,
  namespace: string,
  fetchImpl: typeof fetch = fetch,
): Promise<ExternalAlert[]> {
  // One query per label: Alertmanager ANDs the matchers of one query.
  const lists = await Promise.all(
    NAMESPACE_LABELS.map((label) =>
      queryAlertmanager(baseUrl, `${label}="${namespace}"`, fetchImpl),
    ),
  );
  const seen = new Set<string>();
  return lists
    .flat()
    .filter((alert) => {
      const key = alert.fingerprint ?? JSON.stringify(alert.labels);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((alert) => toExternalAlert(alert, namespace))
    .filter((alert): alert is ExternalAlert => alert !== null);
}

/**
 * Alertmanager's active alerts (`GET /api/v2/alerts`) matching `filter`, neither silenced nor
 * inhibited.
 *
 * @throws Error as {@link fetchAlertmanagerAlerts} does.
 */
async function queryAlertmanager(
  baseUrl: string,
  filter: string,
  fetchImpl: typeof fetch,
): Promise<GettableAlert[]> {
  const query = new URLSearchParams({ active: "true", silenced: "false", inhibited: "false" });
  query.append("filter", filter);
  const response = await fetchImpl(`${baseUrl}/api/v2/alerts?${query.toString()}`, {
    headers: { Accept: "application/json" },
    signal: AbortSignal.timeout(ALERTMANAGER_TIMEOUT_MS),
  }).catch((err: unknown) => {
    throw new Error(`Alertmanager at ${baseUrl} cannot be reached (${reasonOf(err)})`, {
      cause: err,
    });
  });
  if (!response.ok) throw new Error(`Alertmanager answered HTTP ${response.status}`);
  const parsed = GettableAlertsSchema.safeParse(await response.json());
  if (!parsed.success) throw new Error("Alertmanager's answer is not an alert list");
  return parsed.data;
}

/** Why a fetch failed: the socket's error code (ECONNREFUSED) when there is one, else its message. */
function reasonOf(err: unknown): string {
  const cause: unknown = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error && "code" in cause && typeof cause.code === "string")
    return cause.code;
  if (err instanceof Error && err.name === "TimeoutError") {
    return `no answer within ${ALERTMANAGER_TIMEOUT_MS / 1000} s`;
  }
  return err instanceof Error ? err.message : String(err);
}

const PILOTHOUSE_KINDS = new Set<string>(KINDS.map((k) => k.kind));

/** `GET /api/v1/alerts?namespace=ns` → 200 {@link AlertsResponse}. */
export async function alertsHandler(request: Request): Promise<Response> {
  const guard = await guardRequest(request, { mutating: false });
  if (!guard.ok) return guard.response;
  const query = validate(AlertsQuerySchema, queryOf(request), "Invalid query.");
  if (!query.ok) return errorResponse(query.error);
  const { namespace } = query.value;
  try {
    const kube = await kubeForUser(guard.user);
    const events = await kube.core
      .listNamespacedEvent({ namespace, fieldSelector: "type=Warning" })
      .catch((err: unknown) => Promise.reject(toKubeError(err, { namespace })));
    const warnings = events.items
      .filter((e) => PILOTHOUSE_KINDS.has(e.involvedObject.kind ?? ""))
      .map(eventSummary)
      .sort(byLastSeen);
    const body: AlertsResponse = {
      alertmanager: { configured: false },
      alerts: [],
      warnings,
    };
    const url = alertmanagerUrl(process.env);
    if (url) {
      body.alertmanager.configured = true;
      try {
        body.alerts = await fetchAlertmanagerAlerts(url, namespace);
      } catch (err) {
        log.warn({ err }, "Alertmanager alerts could not be read");
        const reason = err instanceof Error ? err.message : String(err);
        body.alertmanager.error = `Alertmanager's alerts could not be read: ${reason}`;
      }
    }
    return Response.json(body, { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    return errorResponse(toApiError(err));
  }
}
