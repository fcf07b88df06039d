/**
 * Response shapes of the read-only routes about what surrounds one object:
 *
 * - `GET /api/v1/namespaces/{ns}/{plural}/{name}/pods`: the pods that run it (a cluster's
 *   servers or brokers; a backup's or restore's Job pods);
 * - `GET /api/v1/namespaces/{ns}/{plural}/{name}/events`: the Kubernetes Events about it;
 * - `GET /api/v1/alerts?namespace=ns`: Alertmanager's alerts of the namespace, when one is
 *   configured.
 *
 * Summaries, not whole `V1Pod`/`CoreV1Event` objects: the UI shows these fields only.
 */
import { z } from "zod";

/** One pod, as a detail page lists it. */
export const PodSummarySchema = z.object({
  name: z.string(),
  /** `status.phase`: Pending, Running, Succeeded, Failed, Unknown. */
  phase: z.string(),
  /** Whether the pod's Ready condition is True. */
  ready: z.boolean(),
  /** Sum of the containers' restart counts. */
  restarts: z.int().min(0),
  node: z.string().optional(),
  podIP: z.string().optional(),
  /** The role label the operator sets (MySQL: primary / replica), when there is one. */
  role: z.string().optional(),
  /** ISO 8601. */
  startTime: z.string().optional(),
});
export type PodSummary = z.infer<typeof PodSummarySchema>;

export const PodListSchema = z.object({ items: z.array(PodSummarySchema) });
export type PodList = z.infer<typeof PodListSchema>;

/** One Kubernetes Event about an object. */
export const EventSummarySchema = z.object({
  /** `Normal` or `Warning`. */
  type: z.string(),
  reason: z.string(),
  message: z.string(),
  /** How many times it happened (series count, or 1). */
  count: z.int().min(1),
  /** When it last happened, ISO 8601; absent if the Event carries no time. */
  lastSeen: z.string().optional(),
  /** Who reported it (controller or component). */
  source: z.string().optional(),
  /** Kind and name of the object the Event is about. */
  involvedKind: z.string(),
  involvedName: z.string(),
});
export type EventSummary = z.infer<typeof EventSummarySchema>;

export const EventListSchema = z.object({ items: z.array(EventSummarySchema) });
export type EventList = z.infer<typeof EventListSchema>;

/** An Alertmanager alert, matched to a Pilothouse resource by its labels when it can be. */
export const ExternalAlertSchema = z.object({
  /** `labels.alertname`. */
  name: z.string(),
  /** `labels.severity`, lower case (critical, warning, info…); `warning` when absent. */
  severity: z.string(),
  summary: z.string(),
  namespace: z.string(),
  /** The cluster the labels name (`cluster`, `mysqlcluster`, `kafkacluster`…), if any. */
  cluster: z.string().optional(),
  /** ISO 8601. */
  startsAt: z.string().optional(),
  labels: z.record(z.string(), z.string()),
});
export type ExternalAlert = z.infer<typeof ExternalAlertSchema>;

export const AlertsResponseSchema = z.object({
  alertmanager: z.object({
    /** Whether PILOTHOUSE_ALERTMANAGER_URL is set. */
    configured: z.boolean(),
    /** Why its alerts could not be read, when they could not. */
    error: z.string().optional(),
  }),
  alerts: z.array(ExternalAlertSchema),
  /** Warning Events of the namespace about Pilothouse resources. */
  warnings: z.array(EventSummarySchema),
});
export type AlertsResponse = z.infer<typeof AlertsResponseSchema>;
