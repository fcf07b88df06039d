"use client";

import { useQueries, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { AlertsResponseSchema, type AlertsResponse } from "@/lib/api/related";
import { fetchJson } from "../api/fetch-json";
import type { LiveState } from "../live/live-state";
import { alertKeys, resourceKeys } from "../resources/keys";
import { ResourceListResponseSchema, type Resource } from "../resources/model";
import {
  ALL_NAMESPACES_REFRESH_MS,
  type AllNamespacesList,
  useAllNamespacesList,
  useResourceList,
  useVisibleNamespaces,
} from "../resources/use-resources";
import {
  alertsFromAlertmanager,
  alertsFromEvents,
  alertsFromObject,
  dedupeAlerts,
  sortAlerts,
  type DashboardAlert,
} from "./derive";

/** How often Warning Events and Alertmanager's alerts are read again, in milliseconds. */
const ALERTS_REFRESH_MS = 15_000;

/** Kinds whose objects are read every 30 s rather than watched (see {@link useNamespaceAlerts}). */
const POLLED_PLURALS = ["mysqlbackups", "mysqlrestores", "kafkatopics", "kafkausers"] as const;

const LIVE_RANK: Record<LiveState["status"], number> = {
  refused: 0,
  stale: 1,
  reconnecting: 2,
  connecting: 3,
  live: 4,
};

/** The least current of several views' live states (what a page built from them can claim). */
export function worstLive(states: readonly LiveState[]): LiveState {
  return states.reduce((worst, s) => (LIVE_RANK[s.status] < LIVE_RANK[worst.status] ? s : worst));
}

/** How an alerts view is kept current: as {@link AllNamespacesList} says it of its lists. */
export type AlertsViewStatus = Pick<AllNamespacesList, "mode" | "live" | "refreshedAt">;

/**
 * How current an all-namespaces alerts view is, from its two cluster lists: `live` only when
 * both are fed by watch streams (at most two namespaces); else `polling`, refreshed when the
 * older of the two lists was last read (0 until both were read), so that the page shows
 * "Refreshed <time>" instead of a stream state no stream will ever reach. `live` is the least
 * current of the two, so that a refused or failing read still shows as such.
 */
export function allNamespacesStatus(
  mysql: AlertsViewStatus,
  kafka: AlertsViewStatus,
): AlertsViewStatus {
  const live = worstLive([mysql.live, kafka.live]);
  if (mysql.mode === "live" && kafka.mode === "live") return { mode: "live", live, refreshedAt: 0 };
  const polled = [mysql, kafka].filter((l) => l.mode === "polling");
  return { mode: "polling", live, refreshedAt: Math.min(...polled.map((l) => l.refreshedAt)) };
}

/** What an alerts view shows, whatever its namespaces. */
export interface AlertsViewData {
  alerts: DashboardAlert[];
  /** The least current of the clusters' live states (the same as `status.live`). */
  live: LiveState;
  /** How the view is kept current (`mode` `live` for one namespace, whose clusters are watched). */
  status: AlertsViewStatus;
  loading: boolean;
  /** Sources that could not be read, Alertmanager's included. */
  errors: Error[];
  /** Alertmanager's state as the server reported it; `undefined` until the first answer. */
  alertmanager: AlertsResponse["alertmanager"] | undefined;
}

/** `GET /api/v1/alerts?namespace=` of one namespace, as a react-query query. */
const serverAlertsQuery = (namespace: string) => ({
  queryKey: alertKeys.namespace(namespace),
  queryFn: () =>
    fetchJson(`/api/v1/alerts?namespace=${encodeURIComponent(namespace)}`, AlertsResponseSchema),
  refetchInterval: ALERTS_REFRESH_MS,
});

/** A namespace's objects keyed `Kind/name`. */
type ObjectsByName = Map<string, { plural: string; object: Resource }>;

/**
 * Every alert of the objects in `lists` and of the server's answers (keyed by namespace): from
 * conditions, Warning Events (attributed to the objects of their namespace) and Alertmanager.
 */
export function combineAlerts(
  lists: readonly (readonly [string, readonly Resource[] | undefined])[],
  servers: ReadonlyMap<string, AlertsResponse | undefined>,
): DashboardAlert[] {
  const objects = new Map<string, ObjectsByName>();
  const fromConditions: DashboardAlert[] = [];
  for (const [plural, items] of lists) {
    for (const object of items ?? []) {
      const namespace = object.metadata.namespace ?? "";
      const inNamespace =
        objects.get(namespace) ?? new Map<string, { plural: string; object: Resource }>();
      inNamespace.set(`${object.kind}/${object.metadata.name}`, { plural, object });
      objects.set(namespace, inNamespace);
      fromConditions.push(...alertsFromObject(plural, object));
    }
  }
  const fromServers: DashboardAlert[] = [];
  for (const [namespace, data] of servers) {
    const known = objects.get(namespace) ?? new Map<string, { plural: string; object: Resource }>();
    fromServers.push(...alertsFromEvents(namespace, data?.warnings ?? [], known));
    fromServers.push(...alertsFromAlertmanager(data?.alerts ?? [], known));
  }
  return sortAlerts(dedupeAlerts([...fromConditions, ...fromServers]));
}

/** Alertmanager's state over several answers: configured if any says so, errors once each. */
function alertmanagerOf(answers: readonly (AlertsResponse | undefined)[]) {
  const known = answers.filter((a): a is AlertsResponse => a !== undefined);
  if (known.length === 0) return undefined;
  const errors = [...new Set(known.flatMap((a) => a.alertmanager.error ?? []))];
  return {
    configured: known.some((a) => a.alertmanager.configured),
    error: errors.length > 0 ? errors.join(" ") : undefined,
  };
}

/** The Error shown for Alertmanager's failure, among the other sources' errors. */
const alertmanagerErrors = (state: AlertsResponse["alertmanager"] | undefined) =>
  state?.error ? [new Error(state.error)] : [];

/**
 * Every alert of a namespace: from the conditions of every kind's objects (clusters live through
 * their watch streams; backups, restores, topics and users read every 30 s, to stay within the
 * browser's connections per origin), the namespace's Warning Events and Alertmanager.
 */
export function useNamespaceAlerts(namespace: string) {
  const mysql = useResourceList("mysqlclusters", namespace);
  const kafka = useResourceList("kafkaclusters", namespace);
  const backups = useResourceList("mysqlbackups", namespace, { watch: false });
  const restores = useResourceList("mysqlrestores", namespace, { watch: false });
  const topics = useResourceList("kafkatopics", namespace, { watch: false });
  const users = useResourceList("kafkausers", namespace, { watch: false });
  const server = useQuery(serverAlertsQuery(namespace));
  const alerts = useMemo(
    () =>
      combineAlerts(
        [
          ["mysqlclusters", mysql.query.data?.items],
          ["kafkaclusters", kafka.query.data?.items],
          ["mysqlbackups", backups.query.data?.items],
          ["mysqlrestores", restores.query.data?.items],
          ["kafkatopics", topics.query.data?.items],
          ["kafkausers", users.query.data?.items],
        ],
        new Map([[namespace, server.data]]),
      ),
    [
      mysql.query.data,
      kafka.query.data,
      backups.query.data,
      restores.query.data,
      topics.query.data,
      users.query.data,
      server.data,
      namespace,
    ],
  );
  const queries = [mysql, kafka, backups, restores, topics, users].map((l) => l.query);
  const alertmanager = server.data?.alertmanager;
  const live = worstLive([mysql.live, kafka.live]);
  const view: AlertsViewData = {
    alerts,
    live,
    status: { mode: "live", live, refreshedAt: 0 },
    loading: queries.some((q) => q.isPending) || server.isPending,
    errors: [
      ...[...queries.map((q) => q.error), server.error].filter((e): e is Error => e !== null),
      ...alertmanagerErrors(alertmanager),
    ],
    alertmanager,
  };
  return { ...view, clusters: { mysql: mysql.query, kafka: kafka.query } };
}

/**
 * Every alert of every namespace the user may see (`GET /api/v1/namespaces`): clusters as
 * {@link useAllNamespacesList} keeps them (live for at most two namespaces, else read every
 * 10 s), the other kinds' merged lists read every 30 s, and one `GET /api/v1/alerts` per
 * namespace, each of which the server answers only for a namespace the user may see. Also
 * gives the cluster lists it read (`clusters`) and the visible namespaces, for the overview.
 */
export function useAllNamespacesAlerts() {
  const visible = useVisibleNamespaces();
  const namespaces = visible.data?.items;
  const mysql = useAllNamespacesList("mysqlclusters", namespaces);
  const kafka = useAllNamespacesList("kafkaclusters", namespaces);
  const polled = useQueries({
    queries: POLLED_PLURALS.map((plural) => ({
      queryKey: resourceKeys.list(plural, ""),
      queryFn: () => fetchJson(`/api/v1/${plural}`, ResourceListResponseSchema),
      refetchInterval: 3 * ALL_NAMESPACES_REFRESH_MS,
    })),
  });
  const servers = useQueries({ queries: (namespaces ?? []).map(serverAlertsQuery) });
  const serverData = servers.map((s) => s.data);
  // Derived on each render (as the overview does): useQueries gives new arrays every render.
  const alerts = combineAlerts(
    [
      ["mysqlclusters", mysql.items],
      ["kafkaclusters", kafka.items],
      ...POLLED_PLURALS.map((plural, i) => [plural, polled[i]?.data?.items] as const),
    ],
    new Map((namespaces ?? []).map((ns, i) => [ns, serverData[i]])),
  );
  const alertmanager = alertmanagerOf(serverData);
  const errors = [
    visible.error,
    mysql.error,
    kafka.error,
    ...polled.map((p) => p.error),
    ...servers.map((s) => s.error),
  ].filter((e): e is Error => e !== null);
  const status = allNamespacesStatus(mysql, kafka);
  const view: AlertsViewData = {
    alerts,
    live: status.live,
    status,
    loading:
      visible.isPending ||
      mysql.isPending ||
      kafka.isPending ||
      servers.some((s) => s.isPending) ||
      polled.some((p) => p.isPending),
    errors: [...errors, ...alertmanagerErrors(alertmanager)],
    alertmanager,
  };
  return { ...view, namespaces, clusters: { mysql, kafka } };
}
