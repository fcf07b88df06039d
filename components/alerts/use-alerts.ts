"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { AlertsResponseSchema } from "@/lib/api/related";
import { fetchJson } from "../api/fetch-json";
import type { LiveState } from "../live/live-state";
import { alertKeys } from "../resources/keys";
import type { Resource } from "../resources/model";
import { useResourceList } from "../resources/use-resources";
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
  const server = useQuery({
    queryKey: alertKeys.namespace(namespace),
    queryFn: () =>
      fetchJson(`/api/v1/alerts?namespace=${encodeURIComponent(namespace)}`, AlertsResponseSchema),
    refetchInterval: ALERTS_REFRESH_MS,
  });

  const lists = useMemo(
    () =>
      [
        ["mysqlclusters", mysql.query.data?.items],
        ["kafkaclusters", kafka.query.data?.items],
        ["mysqlbackups", backups.query.data?.items],
        ["mysqlrestores", restores.query.data?.items],
        ["kafkatopics", topics.query.data?.items],
        ["kafkausers", users.query.data?.items],
      ] as const,
    [
      mysql.query.data,
      kafka.query.data,
      backups.query.data,
      restores.query.data,
      topics.query.data,
      users.query.data,
    ],
  );

  const alerts = useMemo((): DashboardAlert[] => {
    const objects = new Map<string, { plural: string; object: Resource }>();
    const fromConditions: DashboardAlert[] = [];
    for (const [plural, items] of lists) {
      for (const object of items ?? []) {
        objects.set(`${object.kind}/${object.metadata.name}`, { plural, object });
        fromConditions.push(...alertsFromObject(plural, object));
      }
    }
    const events = alertsFromEvents(namespace, server.data?.warnings ?? [], objects);
    const external = alertsFromAlertmanager(server.data?.alerts ?? []);
    return sortAlerts(dedupeAlerts([...fromConditions, ...events, ...external]));
  }, [lists, server.data, namespace]);

  const queries = [mysql, kafka, backups, restores, topics, users].map((l) => l.query);
  return {
    alerts,
    clusters: { mysql: mysql.query, kafka: kafka.query },
    live: worstLive([mysql.live, kafka.live]),
    loading: queries.some((q) => q.isPending) || server.isPending,
    errors: [...queries.map((q) => q.error), server.error].filter((e): e is Error => e !== null),
    alertmanager: server.data?.alertmanager,
  };
}
