import "server-only";
import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import { z } from "zod";
import { kindByPlural, type KindInfo } from "@/lib/api/kinds";
import type { EventList, EventSummary, PodList, PodSummary } from "@/lib/api/related";
import { Dns1123LabelSchema } from "@/lib/crds/common";
import { ROLE_LABEL } from "@/lib/crds/mysql-replication";
import type { UserIdentity } from "../auth/identity";
import { kubeForUser, type UserKubeClients } from "../kube/client";
import { KubeApiError, toKubeError } from "../kube/errors";
import { getRawResource, type RawObject } from "../kube/resources";
import { apiError, errorResponse, toApiError } from "./errors";
import { guardRequest } from "./guard";
import { listRelatedEvents, newestEvents } from "./related-events";
import { validate } from "./request";

/**
 * Read-only routes about what surrounds one Pilothouse object, read as the user (Kubernetes RBAC
 * decides; a user who may not list pods gets the apiserver's 403):
 *
 * - `GET /api/v1/namespaces/{ns}/{plural}/{name}/pods`
 * - `GET /api/v1/namespaces/{ns}/{plural}/{name}/events` (also its pods' and PVCs')
 *
 * The object itself is read first, so a missing one is a 404 and not an empty list.
 */

const NO_STORE = { "Cache-Control": "no-store" };

/** Labels saying a pod's role: MySQL primary / replica, else the Kafka pool (component). */
const ROLE_LABELS = [ROLE_LABEL, "app.kubernetes.io/component"];

/** Set by the Job controller on its pods (Kubernetes 1.27+). */
const JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

const PathSchema = z.object({
  namespace: Dns1123LabelSchema,
  plural: z.string(),
  name: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a lower case DNS subdomain"),
});

/**
 * The label selector of the pods that run `object`: a cluster's servers or brokers, a backup's or
 * restore's Job; `null` for kinds without pods (topics, users) or a run without a Job yet.
 *
 * @example podSelector(mysqlclusters, { metadata: { name: "orders" } })
 *   → "app.kubernetes.io/name=mysql,app.kubernetes.io/instance=orders"
 */
export function podSelector(kind: KindInfo, object: RawObject): string | null {
  const name = object.metadata?.name ?? "";
  if (kind.isCluster) {
    const app = kind.service === "mysql" ? "mysql" : "kafka";
    return `app.kubernetes.io/name=${app},app.kubernetes.io/instance=${name}`;
  }
  const status = z.object({ jobName: z.string().min(1) }).safeParse(object.status);
  return status.success ? `${JOB_NAME_LABEL}=${status.data.jobName}` : null;
}

/** A pod as a detail page shows it. */
export function podSummary(pod: V1Pod): PodSummary {
  const labels = pod.metadata?.labels ?? {};
  const role = ROLE_LABELS.map((key) => labels[key]).find((v) => v !== undefined);
  const ready = (pod.status?.conditions ?? []).some(
    (c) => c.type === "Ready" && c.status === "True",
  );
  const restarts = (pod.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
  return {
    name: pod.metadata?.name ?? "",
    phase: pod.status?.phase ?? "Unknown",
    ready,
    restarts,
    node: pod.spec?.nodeName,
    podIP: pod.status?.podIP,
    role,
    startTime: pod.status?.startTime?.toISOString(),
  };
}

const iso = (value: Date | string | undefined): string | undefined =>
  value === undefined ? undefined : value instanceof Date ? value.toISOString() : value;

/** An Event as a detail page shows it (the newest of its times, events.k8s.io or core fields). */
export function eventSummary(event: CoreV1Event): EventSummary {
  const lastSeen =
    iso(event.series?.lastObservedTime) ??
    iso(event.lastTimestamp) ??
    iso(event.eventTime) ??
    iso(event.firstTimestamp) ??
    iso(event.metadata.creationTimestamp);
  return {
    type: event.type ?? "Normal",
    reason: event.reason ?? "",
    message: event.message ?? "",
    count: Math.max(1, event.series?.count ?? event.count ?? 1),
    lastSeen,
    source: event.reportingComponent || event.source?.component || undefined,
    involvedKind: event.involvedObject.kind ?? "",
    involvedName: event.involvedObject.name ?? "",
  };
}

/** Newest first; Events without a time last. */
export function byLastSeen(a: EventSummary, b: EventSummary): number {
  return (b.lastSeen ?? "").localeCompare(a.lastSeen ?? "");
}

type Resolved =
  | { ok: true; kube: UserKubeClients; kind: KindInfo; namespace: string; object: RawObject }
  | { ok: false; response: Response };

/** The caller, the kind and the object of a related route, or the error response. */
async function resolve(
  request: Request,
  params: { namespace: string; plural: string; name: string },
): Promise<Resolved> {
  const guard = await guardRequest(request, { mutating: false });
  if (!guard.ok) return guard;
  const path = validate(PathSchema, params, "Invalid path.");
  if (!path.ok) return { ok: false, response: errorResponse(path.error) };
  const kind = kindByPlural(path.value.plural);
  if (!kind) {
    const error = apiError(404, "NotFound", `No kind ${path.value.plural} in the Pilothouse API.`);
    return { ok: false, response: errorResponse(error) };
  }
  const kube = await kubeForUser(guard.user);
  const object = await getRawResource(kube, kind, path.value.namespace, path.value.name);
  return { ok: true, kube, kind, namespace: path.value.namespace, object };
}

/** `GET .../{name}/pods` → 200 {@link PodList}. */
export async function podsHandler(
  request: Request,
  params: { namespace: string; plural: string; name: string },
): Promise<Response> {
  try {
    const resolved = await resolve(request, params);
    if (!resolved.ok) return resolved.response;
    const { kube, kind, namespace, object } = resolved;
    const labelSelector = podSelector(kind, object);
    if (labelSelector === null) return Response.json({ items: [] } satisfies PodList);
    const pods = await kube.core
      .listNamespacedPod({ namespace, labelSelector })
      .catch((err: unknown) => Promise.reject(toKubeError(err, { namespace })));
    const items = pods.items.map(podSummary).sort((a, b) => a.name.localeCompare(b.name));
    return Response.json({ items } satisfies PodList, { headers: NO_STORE });
  } catch (err) {
    return errorResponse(toApiError(err));
  }
}

/**
 * `GET .../{name}/events` → 200 {@link EventList}: the Events about the object and about its pods
 * and PVCs (each naming its object), newest first, at most `EVENTS_LIMIT` (related-events.ts).
 */
export async function eventsHandler(
  request: Request,
  params: { namespace: string; plural: string; name: string },
): Promise<Response> {
  try {
    const resolved = await resolve(request, params);
    if (!resolved.ok) return resolved.response;
    const { kube, kind, namespace, object } = resolved;
    const events = await listRelatedEvents(
      kube,
      kind,
      namespace,
      object,
      podSelector(kind, object),
    );
    const items = newestEvents([events.map(eventSummary)], byLastSeen);
    return Response.json({ items } satisfies EventList, { headers: NO_STORE });
  } catch (err) {
    return errorResponse(toApiError(err));
  }
}

/**
 * The object a detail page shows, read as the user before the page renders, so that a missing
 * one answers HTTP 404 (`notFound()`).
 *
 * @returns the raw object; `null` when Kubernetes says it does not exist; `undefined` on any
 *   other failure (403, apiserver down), which the page's client then shows and retries itself.
 */
export async function findResourceForPage(
  user: UserIdentity,
  kind: KindInfo,
  namespace: string,
  name: string,
): Promise<RawObject | null | undefined> {
  try {
    return await getRawResource(await kubeForUser(user), kind, namespace, name);
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return null;
    return undefined;
  }
}
