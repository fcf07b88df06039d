import "server-only";
import type { CoreV1Event, V1PersistentVolumeClaim, V1Pod } from "@kubernetes/client-node";
import type { KindInfo } from "@/lib/api/kinds";
import type { EventSummary } from "@/lib/api/related";
import type { UserKubeClients } from "../kube/client";
import { toKubeError } from "../kube/errors";
import type { RawObject } from "../kube/resources";

/**
 * The Events a detail page shows for one object: its own, and those of the pods that run it and
 * of the PVCs they use, so that a cluster stuck on `FailedScheduling` or
 * `ProvisioningFailed: storageclass "x" not found` says so on its own page.
 */

/** Most Events answered by the events route (the newest are kept). */
export const EVENTS_LIMIT = 100;

/** Most pods (and PVCs) whose Events are read, one field-selected list each. */
export const RELATED_OBJECTS_LIMIT = 20;

/** The object an Event is about, as its field selector names it. */
export interface InvolvedObject {
  kind: string;
  name: string;
}

/** The PVC names `pods` mount (`spec.volumes[].persistentVolumeClaim.claimName`). */
export function claimNamesOf(pods: readonly V1Pod[]): string[] {
  return pods.flatMap((pod) =>
    (pod.spec?.volumes ?? []).flatMap((v) =>
      v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [],
    ),
  );
}

/**
 * The objects whose Events belong on the page: the object itself, then its pods and PVCs (those
 * the label selector finds and those the pods mount), deduplicated, at most
 * {@link RELATED_OBJECTS_LIMIT} of each.
 */
export function involvedObjects(
  own: InvolvedObject,
  pods: readonly V1Pod[],
  claims: readonly V1PersistentVolumeClaim[],
): InvolvedObject[] {
  const unique = (names: string[]) => [...new Set(names.filter(Boolean))].sort();
  const podNames = unique(pods.map((p) => p.metadata?.name ?? "")).slice(0, RELATED_OBJECTS_LIMIT);
  const claimNames = unique([
    ...claims.map((c) => c.metadata?.name ?? ""),
    ...claimNamesOf(pods),
  ]).slice(0, RELATED_OBJECTS_LIMIT);
  return [
    own,
    ...podNames.map((name) => ({ kind: "Pod", name })),
    ...claimNames.map((name) => ({ kind: "PersistentVolumeClaim", name })),
  ];
}

/** `involvedObject.kind=K,involvedObject.name=N`: the Events about one object. */
export const eventFieldSelector = (o: InvolvedObject): string =>
  `involvedObject.kind=${o.kind},involvedObject.name=${o.name}`;

/**
 * Merges Event summaries newest first and keeps the newest `limit`.
 *
 * @param byLastSeen - the order (newest first).
 */
export function newestEvents(
  lists: readonly EventSummary[][],
  byLastSeen: (a: EventSummary, b: EventSummary) => number,
  limit = EVENTS_LIMIT,
): EventSummary[] {
  return lists.flat().sort(byLastSeen).slice(0, limit);
}

/**
 * Reads, as the user, the Events about `object` and about its pods and PVCs.
 *
 * The object's own Events must be readable (a 403 there is the route's 403); the pods and PVCs
 * are looked up best effort: a user who may read Events but not list pods or PVCs still gets the
 * object's own Events.
 *
 * @param podSelector - the label selector of the object's pods (also the operator's labels on
 *   its PVCs), or `null` for kinds without pods.
 * @throws KubeApiError when the object's own Events cannot be listed.
 */
export async function listRelatedEvents(
  kube: UserKubeClients,
  kind: KindInfo,
  namespace: string,
  object: RawObject,
  podSelector: string | null,
): Promise<CoreV1Event[]> {
  const own = { kind: kind.kind, name: object.metadata?.name ?? "" };
  const list = (o: InvolvedObject) =>
    kube.core
      .listNamespacedEvent({ namespace, fieldSelector: eventFieldSelector(o) })
      .catch((err: unknown) => Promise.reject(toKubeError(err, { namespace })));
  if (podSelector === null) return (await list(own)).items;
  const [pods, claims] = await Promise.all([
    kube.core
      .listNamespacedPod({ namespace, labelSelector: podSelector })
      .then((l) => l.items)
      .catch(() => []),
    kube.core
      .listNamespacedPersistentVolumeClaim({ namespace, labelSelector: podSelector })
      .then((l) => l.items)
      .catch(() => []),
  ]);
  const [first, ...rest] = involvedObjects(own, pods, claims);
  const ownEvents = await list(first ?? own);
  const related = await Promise.all(
    rest.map((o) =>
      list(o)
        .then((l) => l.items)
        .catch(() => []),
    ),
  );
  return [...ownEvents.items, ...related.flat()];
}
