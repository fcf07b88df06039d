/**
 * An upstream of the watch hub whose watch the real apiserver expires (410 Gone, as an in-stream
 * ERROR event: "too old resource version"): it relists and sends every subscriber a fresh
 * snapshot, keeps its status live, and goes on streaming changes. The 410 is forced by starting
 * the first watch request from resourceVersion "1", long compacted out of the watch cache.
 *
 * Needs the local platform (see watch-hub.test.ts).
 */
import { CoreV1Api, CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KINDS } from "@/lib/api/kinds";
import { KubeClientFactory } from "@/server/kube/client";
import { WATCH_HUB_IDENTITY } from "@/server/kube/watch-hub";
import { Upstream } from "@/server/kube/watch-hub-upstream";
import type { WatchStarter } from "@/server/kube/watch-loop";
import { eventually, FrameSink, mysqlClusterBody } from "./watch-hub-support";

const adminPath = process.env.KUBECONFIG ?? "";
const dashboardPath = process.env.PILOTHOUSE_DASHBOARD_KUBECONFIG ?? "";
const namespace = `hub-relist-${randomBytes(3).toString("hex")}`;
const mysqlclusters = KINDS[0];

let admin: KubeConfig;
let factory: KubeClientFactory;

beforeAll(async () => {
  if (!adminPath || !dashboardPath) {
    throw new Error("Source a profile's env.sh (KUBECONFIG, PILOTHOUSE_DASHBOARD_KUBECONFIG)");
  }
  admin = new KubeConfig();
  admin.loadFromFile(adminPath);
  factory = await KubeClientFactory.fromFile(dashboardPath);
  await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
});

afterAll(async () => {
  await admin
    ?.makeApiClient(CoreV1Api)
    .deleteNamespace({ name: namespace })
    .catch(() => undefined);
});

describe("an upstream watch expired by the apiserver", () => {
  it("relists after the in-stream 410 and sends a fresh snapshot, then changes", async () => {
    const kube = factory.forUser(WATCH_HUB_IDENTITY);
    const objects = admin.makeApiClient(CustomObjectsApi);
    const resource = {
      group: "mysql.pilothouse.dev",
      version: "v1alpha1",
      plural: "mysqlclusters",
    };
    await objects.createNamespacedCustomObject({
      ...resource,
      namespace,
      body: mysqlClusterBody("before"),
    });

    const requested: string[] = [];
    const watcher: WatchStarter = {
      watch(path, params, callback, done) {
        const from = requested.length === 0 ? "1" : String(params.resourceVersion);
        requested.push(from);
        return kube.watch.watch(path, { ...params, resourceVersion: from }, callback, done);
      },
    };
    const path = `/apis/mysql.pilothouse.dev/v1alpha1/namespaces/${namespace}/mysqlclusters`;
    const upstream = new Upstream({
      watcher,
      path,
      schema: mysqlclusters.schema,
      ringSize: 100,
      onStopped: () => undefined,
      list: async () => {
        const list = (await kube.customObjects.listNamespacedCustomObject({
          ...resource,
          namespace,
        })) as { items: unknown[]; metadata: { resourceVersion: string } };
        return { items: list.items, resourceVersion: list.metadata.resourceVersion };
      },
    });
    const sink = new FrameSink();
    upstream.add({ send: sink.send, close: () => undefined }, undefined);
    upstream.start();
    try {
      await eventually(() => expect(sink.of("snapshot")).toHaveLength(2));
      expect(requested[0]).toBe("1");
      const second = JSON.parse(sink.of("snapshot")[1]?.data ?? "{}") as {
        resourceVersion: string;
        items: { metadata: { name: string } }[];
      };
      expect(second.items.map((i) => i.metadata.name)).toEqual(["before"]);
      expect(sink.of("snapshot")[1]?.id).toBe(second.resourceVersion);

      const after = (await objects.createNamespacedCustomObject({
        ...resource,
        namespace,
        body: mysqlClusterBody("after"),
      })) as { metadata: { resourceVersion: string } };
      await eventually(() =>
        expect(sink.of("change").map((f) => f.id)).toContain(after.metadata.resourceVersion),
      );
      // Never "reconnecting": a relist is not an outage.
      expect(sink.of("status").map((f) => f.data)).toEqual(['{"state":"live"}']);
    } finally {
      upstream.stop();
    }
  });
});
