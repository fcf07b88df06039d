import type { V1PersistentVolumeClaim } from "@kubernetes/client-node";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import {
  KAFKA_CLUSTER_FINALIZER,
  KafkaClusterSchema,
  type KafkaClusterStatus,
} from "@/lib/crds/kafka-cluster";
import type { RawObject } from "../kafka-common/api";
import type { KafkaEvent } from "../kafka-common/events";
import type { KafkaClusterApi } from "./api";
import { DELETION_RETRY_MS, clusterClaimSelector, finishDeletion } from "./deletion";

const NOW = new Date("2026-11-30T00:00:00Z");
const pool = { replicas: 1, storage: { size: "1Gi" } };

function deleting(deletionPolicy: "Retain" | "Delete") {
  const raw = {
    apiVersion: "kafka.pilothouse.dev/v1alpha1",
    kind: "KafkaCluster",
    metadata: {
      name: "events",
      namespace: "shop",
      uid: "k",
      generation: 3,
      deletionTimestamp: "2026-11-30T00:00:00Z",
      finalizers: ["other", KAFKA_CLUSTER_FINALIZER],
    },
    spec: { kraft: { mode: "separate", controllers: pool, brokers: pool }, deletionPolicy },
  };
  return { raw: raw as RawObject, cluster: KafkaClusterSchema.parse(raw) };
}

function fakeApi(options: { failClaims?: boolean } = {}) {
  const calls: string[] = [];
  const statuses: KafkaClusterStatus[] = [];
  const events: KafkaEvent[] = [];
  const claims: V1PersistentVolumeClaim[] = [
    { metadata: { name: "data-events-brokers-0" } },
    { metadata: { name: "data-events-controllers-0", deletionTimestamp: new Date() } },
  ];
  const api = {
    deleteStatefulSet: (_: string, name: string) => Promise.resolve(void calls.push(`sts ${name}`)),
    listClaims: (_: string, selector: string) => {
      calls.push(`list ${selector}`);
      return options.failClaims
        ? Promise.reject(new Error("persistentvolumeclaims is forbidden"))
        : Promise.resolve(claims);
    },
    deleteClaim: (_: string, name: string) => Promise.resolve(void calls.push(`pvc ${name}`)),
    setFinalizers: (_: RawObject, next: string[]) =>
      Promise.resolve(void calls.push(`finalizers ${next.join(",")}`)),
    replaceStatus: (object: RawObject) =>
      Promise.resolve(void statuses.push(object.status as KafkaClusterStatus)),
    recordEvent: (_: RawObject, event: KafkaEvent) => Promise.resolve(void events.push(event)),
  } as Partial<KafkaClusterApi> as KafkaClusterApi;
  return { api, calls, statuses, events };
}

const log = pino({ level: "silent" });

describe("finishDeletion", () => {
  it("Retain: releases the finalizer and leaves StatefulSets and volumes alone", async () => {
    const { raw, cluster } = deleting("Retain");
    const { api, calls } = fakeApi();
    expect(await finishDeletion(api, raw, cluster, log, NOW)).toBeUndefined();
    expect(calls).toEqual(["finalizers other"]);
  });

  it("Delete: deletes the StatefulSets and every claim not yet deleting, then releases", async () => {
    const { raw, cluster } = deleting("Delete");
    const { api, calls } = fakeApi();
    expect(await finishDeletion(api, raw, cluster, log, NOW)).toBeUndefined();
    expect(calls).toEqual([
      "sts events-controllers",
      "sts events-brokers",
      `list ${clusterClaimSelector("events")}`,
      "pvc data-events-brokers-0",
      "finalizers other",
    ]);
    expect(clusterClaimSelector("events")).toBe(
      "app.kubernetes.io/name=kafka,app.kubernetes.io/instance=events",
    );
  });

  it("keeps the finalizer and says why, once, when the volumes cannot be deleted", async () => {
    const { raw, cluster } = deleting("Delete");
    const { api, calls, statuses, events } = fakeApi({ failClaims: true });
    expect(await finishDeletion(api, raw, cluster, log, NOW)).toEqual({
      requeueAfterMs: DELETION_RETRY_MS,
    });
    expect(calls.some((call) => call.startsWith("finalizers"))).toBe(false);
    expect(statuses[0]?.phase).toBe("Deleting");
    const ready = statuses[0]?.conditions?.find((c) => c.type === "Ready");
    expect(ready).toMatchObject({ status: "False", reason: "DeletionBlocked" });
    expect(ready?.message).toMatch(/forbidden.*Remove the finalizer kafka\.pilothouse\.dev/);
    expect(events).toEqual([
      { type: "Warning", reason: "DeletionBlocked", message: ready?.message },
    ]);

    const again = fakeApi({ failClaims: true });
    const blocked = { ...cluster, status: statuses[0] };
    await finishDeletion(again.api, { ...raw, status: statuses[0] }, blocked, log, NOW);
    expect(again.statuses).toEqual([]);
    expect(again.events).toEqual([]);
  });
});
