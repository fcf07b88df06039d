/**
 * The events route of a detail page against the real apiserver, through the route module and the
 * real guard (bob's bearer token from the real OpenID provider; bob views): a stuck cluster's
 * page shows the Events of its pods and PVCs (`FailedScheduling`, `ProvisioningFailed`), each
 * naming its object, newest first, and not the Events of someone else's pod.
 *
 * Needs the local platform's env file (OIDC_*, NEXTAUTH_URL, KUBECONFIG,
 * PILOTHOUSE_DASHBOARD_KUBECONFIG).
 */
import { randomBytes } from "node:crypto";
import { CoreV1Api, type CoreV1Event } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as eventsRoute from "@/app/api/v1/namespaces/[namespace]/[plural]/[name]/events/route";
import type { EventList } from "@/lib/api/related";
import { OPERATOR_SHARD_LABEL } from "@/lib/crds/common";
import { clientFromEnv, signInWithCodeFlow } from "@/platform/oidc/code-flow-client";
import { DEMO_USERS } from "@/platform/oidc/users";
import {
  adminObjects,
  apiTestPlatform,
  expectJson,
  type ApiTestPlatform,
} from "./support/api-callers";

const suffix = randomBytes(3).toString("hex");
const ns = `api-ev-${suffix}`;
/** The operator under `./pilothouse up` leaves objects of another shard alone. */
const shard = { [OPERATOR_SHARD_LABEL]: `api-test-${suffix}` };
const podLabels = { "app.kubernetes.io/name": "mysql", "app.kubernetes.io/instance": "orders" };
const base = process.env.NEXTAUTH_URL ?? "http://localhost:3000";

let platform: ApiTestPlatform;
let core: CoreV1Api;
let bobToken = "";

/** A core/v1 Event about one object, as a controller records it. */
function event(
  name: string,
  involved: { kind: string; name: string; apiVersion: string },
  type: "Normal" | "Warning",
  reason: string,
  message: string,
  at: string,
): CoreV1Event {
  return {
    metadata: { name, namespace: ns },
    involvedObject: { ...involved, namespace: ns },
    type,
    reason,
    message,
    count: 1,
    firstTimestamp: new Date(at),
    lastTimestamp: new Date(at),
    source: { component: "test" },
  };
}

beforeAll(async () => {
  platform = await apiTestPlatform(ns);
  core = platform.admin.makeApiClient(CoreV1Api);
  const bob = DEMO_USERS.find((u) => u.email.startsWith("bob@"));
  if (!bob) throw new Error("no demo user bob");
  const set = await signInWithCodeFlow(clientFromEnv(), bob);
  if (!set.id_token) throw new Error("no ID token for bob");
  bobToken = set.id_token;

  await adminObjects(platform.admin, "mysqlclusters", ns).create(
    "orders",
    { engine: "mysql", replicas: 1, storage: { size: "1Gi", storageClassName: "x" } },
    shard,
  );
  // What the StatefulSet would create: a PVC with the operator's labels and a pod mounting it.
  await core.createNamespacedPersistentVolumeClaim({
    namespace: ns,
    body: {
      metadata: { name: "data-orders-0", labels: podLabels },
      spec: {
        accessModes: ["ReadWriteOnce"],
        storageClassName: "x",
        resources: { requests: { storage: "1Gi" } },
      },
    },
  });
  const pod = (name: string, labels: Record<string, string>) =>
    core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name, labels },
        spec: {
          // No node matches: the pod stays Pending, as a stuck cluster's does.
          nodeSelector: { "pilothouse.dev/none": "true" },
          containers: [{ name: "mysql", image: "mysql:8.4" }],
          volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data-orders-0" } }],
        },
      },
    });
  await pod("orders-0", podLabels);
  await pod("other-0", {
    "app.kubernetes.io/name": "mysql",
    "app.kubernetes.io/instance": "other",
  });

  const events = [
    event(
      "orders-0.sched",
      { kind: "Pod", name: "orders-0", apiVersion: "v1" },
      "Warning",
      "FailedScheduling",
      "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.",
      "2026-11-30T05:00:02Z",
    ),
    event(
      "data-orders-0.prov",
      { kind: "PersistentVolumeClaim", name: "data-orders-0", apiVersion: "v1" },
      "Warning",
      "ProvisioningFailed",
      'storageclass.storage.k8s.io "x" not found',
      "2026-11-30T05:00:03Z",
    ),
    event(
      "orders.created",
      { kind: "MySQLCluster", name: "orders", apiVersion: "mysql.pilothouse.dev/v1alpha1" },
      "Normal",
      "Created",
      "servers requested",
      "2026-11-30T05:00:01Z",
    ),
    event(
      "other-0.sched",
      { kind: "Pod", name: "other-0", apiVersion: "v1" },
      "Warning",
      "FailedScheduling",
      "not about orders",
      "2026-11-30T05:00:04Z",
    ),
  ];
  for (const body of events) await core.createNamespacedEvent({ namespace: ns, body });
});

afterAll(async () => {
  await core?.deleteNamespace({ name: ns }).catch(() => undefined);
});

describe("GET .../mysqlclusters/{name}/events", () => {
  it("includes the Events of the cluster's pods and PVCs, each naming its object, newest first", async () => {
    const path = `/api/v1/namespaces/${ns}/mysqlclusters/orders/events`;
    const response = await eventsRoute.GET(
      new Request(`${base}${path}`, { headers: { authorization: `Bearer ${bobToken}` } }),
      { params: Promise.resolve({ namespace: ns, plural: "mysqlclusters", name: "orders" }) },
    );
    const body = await expectJson<EventList>(response, 200);
    const rows = body.items.map(
      (e) => `${e.involvedKind}/${e.involvedName} ${e.type} ${e.reason}: ${e.message}`,
    );
    // Those recorded here; the apiserver's own scheduler and PV controller may add the same
    // reasons with their own words and times (they run on this platform too).
    expect(rows).toEqual(
      expect.arrayContaining([
        'PersistentVolumeClaim/data-orders-0 Warning ProvisioningFailed: storageclass.storage.k8s.io "x" not found',
        "Pod/orders-0 Warning FailedScheduling: 0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.",
        "MySQLCluster/orders Normal Created: servers requested",
      ]),
    );
    expect(rows.filter((r) => r.includes("other-0"))).toEqual([]);
    const times = body.items.map((e) => e.lastSeen ?? "");
    expect(times).toEqual([...times].sort().reverse());
    expect(body.items.length).toBeLessThanOrEqual(100);
  });
});
