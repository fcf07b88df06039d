"use client";

import { Label } from "@patternfly/react-core";
import Link from "next/link";
import type { ReactNode } from "react";
import { HEALTH_TEXT, healthOf } from "./health";
import { HealthLabel } from "./health-label";
import type { SortableColumn } from "./list-query";
import { LocalTime } from "./local-time";
import {
  at,
  clusterNameOf,
  conditionColor,
  detailHref,
  findCondition,
  formatAge,
  stopStateOf,
  phaseOf,
  replicasText,
  type Resource,
} from "./model";

/** One column of a list table. */
export interface ResourceColumn extends SortableColumn<Resource> {
  title: string;
  /** The cell; `now` is the ticking clock for ages (`null` before mount). */
  cell: (item: Resource, now: number | null) => ReactNode;
  /** data-testid of the cell, for tests that read one column. */
  testId?: string;
}

/**
 * The Ready condition as a label: `True`, `False (reason)`, `Stopped` (neutral) for a cluster
 * stopped on purpose, or `—` before the operator wrote it.
 */
export function ReadyLabel({ object }: { object: Resource }) {
  const ready = findCondition(object, "Ready");
  if (!ready) return <span>—</span>;
  // A cluster stopped on purpose is not a fault: a neutral label, like the detail page's.
  if (stopStateOf(object) === "stopped" && ready.status !== "True") {
    return (
      <Label color="grey" isCompact title={ready.message}>
        Stopped
      </Label>
    );
  }
  const text = ready.status === "True" ? "True" : `${ready.status} (${ready.reason})`;
  return (
    <Label color={conditionColor("Ready", ready.status)} isCompact title={ready.message}>
      {text}
    </Label>
  );
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const num = (v: unknown) => (typeof v === "number" ? v : undefined);
const created = (o: Resource) => {
  const t = Date.parse(o.metadata.creationTimestamp ?? "");
  return Number.isNaN(t) ? undefined : t;
};

const name = (plural: string): ResourceColumn => ({
  id: "name",
  title: "Name",
  sortValue: (o) => o.metadata.name,
  cell: (o) => (
    <Link href={detailHref(plural, o.metadata.namespace ?? "", o.metadata.name)}>
      {o.metadata.name}
    </Link>
  ),
});
const namespace: ResourceColumn = {
  id: "namespace",
  title: "Namespace",
  sortValue: (o) => o.metadata.namespace,
  cell: (o) => o.metadata.namespace ?? "",
};
const phase = (testId: string): ResourceColumn => ({
  id: "phase",
  title: "Phase",
  testId,
  sortValue: (o) => phaseOf(o),
  cell: (o) => phaseOf(o),
});
const ready = (testId: string): ResourceColumn => ({
  id: "ready",
  title: "Ready",
  testId,
  sortValue: (o) => findCondition(o, "Ready")?.status,
  cell: (o) => <ReadyLabel object={o} />,
});
const cluster = (plural: string): ResourceColumn => ({
  id: "cluster",
  title: "Cluster",
  sortValue: (o) => clusterNameOf(o),
  cell: (o) => {
    const c = clusterNameOf(o);
    return c ? <Link href={detailHref(plural, o.metadata.namespace ?? "", c)}>{c}</Link> : "—";
  },
});
const age: ResourceColumn = {
  id: "age",
  title: "Age",
  // Newest first when sorted descending: sort by creation time.
  sortValue: (o) => (created(o) === undefined ? undefined : -(created(o) ?? 0)),
  cell: (o, now) => (now === null ? "" : formatAge(o.metadata.creationTimestamp, now)),
};
const field = (id: string, title: string, path: string[]): ResourceColumn => ({
  id,
  title,
  sortValue: (o) => {
    const v = at(o, path);
    return num(v) ?? str(v);
  },
  cell: (o) => {
    const v = at(o, path);
    return num(v)?.toString() ?? str(v) ?? "—";
  },
});

/** The cluster's health (see healthOf): never Healthy for a paused or half-applied cluster. */
const health: ResourceColumn = {
  id: "health",
  title: "Health",
  testId: "cluster-health",
  sortValue: (o) => HEALTH_TEXT[healthOf(o).health],
  cell: (o) => <HealthLabel object={o} />,
};
/** A timestamp at `path`, in the local time format of the detail pages. */
const time = (id: string, title: string, path: string[]): ResourceColumn => ({
  id,
  title,
  sortValue: (o) => str(at(o, path)),
  cell: (o) => <LocalTime value={str(at(o, path))} />,
});

/** The columns of each kind's list, in order. */
export function columnsFor(plural: string): ResourceColumn[] {
  switch (plural) {
    case "mysqlclusters":
      return [
        name(plural),
        namespace,
        phase("cluster-phase"),
        {
          id: "replicas",
          title: "Ready replicas",
          testId: "cluster-replicas",
          sortValue: (o) => num(at(o, ["status", "readyReplicas"])) ?? 0,
          cell: (o) => replicasText(o) ?? "—",
        },
        health,
        ready("cluster-ready"),
        field("engine", "Engine", ["spec", "engine"]),
        age,
      ];
    case "kafkaclusters":
      return [
        name(plural),
        namespace,
        phase("cluster-phase"),
        field("brokers", "Brokers online", ["status", "brokers"]),
        health,
        ready("cluster-ready"),
        age,
      ];
    case "mysqlbackups":
      return [
        name(plural),
        namespace,
        cluster("mysqlclusters"),
        field("storage", "Storage", ["spec", "storageName"]),
        phase("resource-phase"),
        time("completed", "Completed", ["status", "completedAt"]),
        age,
      ];
    case "mysqlrestores":
      return [
        name(plural),
        namespace,
        field("backup", "Backup", ["spec", "backupName"]),
        cluster("mysqlclusters"),
        phase("resource-phase"),
        age,
      ];
    case "kafkatopics":
      return [
        name(plural),
        namespace,
        cluster("kafkaclusters"),
        field("partitions", "Partitions", ["spec", "partitions"]),
        phase("resource-phase"),
        ready("resource-ready"),
        age,
      ];
    case "kafkausers":
      return [
        name(plural),
        namespace,
        cluster("kafkaclusters"),
        phase("resource-phase"),
        ready("resource-ready"),
        age,
      ];
    default:
      return [name(plural), namespace, phase("resource-phase"), ready("resource-ready"), age];
  }
}

/** The text a list's search looks in: name, phase, cluster and the Ready reason, lower case. */
export function searchTextOf(o: Resource): string {
  const readyCondition = findCondition(o, "Ready");
  return [o.metadata.name, phaseOf(o), clusterNameOf(o) ?? "", readyCondition?.reason ?? ""]
    .join(" ")
    .toLowerCase();
}
