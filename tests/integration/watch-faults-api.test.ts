/**
 * The REST list and get routes when the apiserver connection fails: behind the HTTP fault proxy
 * (support/http-fault-proxy.ts) that answers 5xx or drops the connection, the handlers answer a
 * clean JSON error (`{ error: { code, message, causes } }`, 502 when Kubernetes answered badly,
 * 503 when it could not be reached) and work again as soon as the fault ends.
 *
 * Needs the local platform: source a profile's env.sh (KUBECONFIG, PILOTHOUSE_DASHBOARD_KUBECONFIG).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATOR_SHARD_LABEL } from "@/lib/crds/common";
import type { Caller } from "@/server/api/resource-context";
import { getHandler, listHandler } from "@/server/api/resources";
import { KubeClientFactory } from "@/server/kube/client";
import { eventRecorderFromFile } from "@/server/kube/events";
import {
  adminObjects,
  apiTestPlatform,
  expectError,
  expectJson,
  identityOf,
  jsonRequest,
  type ApiTestPlatform,
} from "./support/api-callers";
import { HttpFaultProxy } from "./support/http-fault-proxy";

const suffix = randomBytes(3).toString("hex");
const ns = `wf-api-${suffix}`;

let platform: ApiTestPlatform;
let proxy: HttpFaultProxy;
let tmp: string;
/** alice (an operator of `ns`) with clients that go through the proxy. */
let alice: Caller;

beforeAll(async () => {
  platform = await apiTestPlatform(ns);
  const adminPath = process.env.KUBECONFIG ?? "";
  const dashboardPath = process.env.PILOTHOUSE_DASHBOARD_KUBECONFIG ?? "";
  const pki = join(dirname(adminPath), "pki");
  proxy = await HttpFaultProxy.start({
    target: platform.admin.getCurrentCluster()?.server ?? "",
    caCertificatePath: join(pki, "ca.crt"),
    caKeyPath: join(pki, "ca.key"),
  });
  tmp = await mkdtemp(join(tmpdir(), "watch-faults-api-"));
  const viaProxy = join(tmp, "dashboard.kubeconfig");
  await proxy.writeKubeconfig(dashboardPath, viaProxy);
  const factory = await KubeClientFactory.fromFile(viaProxy);
  alice = {
    user: identityOf("alice"),
    kube: factory.forUser(identityOf("alice")),
    events: eventRecorderFromFile(viaProxy),
  };
  // Another shard than the operator's, which leaves it alone.
  await adminObjects(platform.admin, "mysqlclusters", ns).create(
    "orders",
    { engine: "mysql", replicas: 1, storage: { size: "1Gi" } },
    { [OPERATOR_SHARD_LABEL]: `wf-api-${suffix}` },
  );
});

afterAll(async () => {
  await proxy?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
  await platform?.admin
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name: ns })
    .catch(() => undefined);
});

const list = () =>
  listHandler(alice, jsonRequest("GET", `/api/v1/mysqlclusters?namespace=${ns}`), {
    plural: "mysqlclusters",
  });
const get = () =>
  getHandler(alice, jsonRequest("GET", `/api/v1/namespaces/${ns}/mysqlclusters/orders`), {
    namespace: ns,
    plural: "mysqlclusters",
    name: "orders",
  });

async function expectHealthy() {
  const listed = await expectJson<{ items: { metadata: { name: string } }[] }>(await list(), 200);
  expect(listed.items.map((i) => i.metadata.name)).toEqual(["orders"]);
  expect(await expectJson(await get(), 200)).toMatchObject({ metadata: { name: "orders" } });
}

describe("the REST routes when the apiserver connection fails", () => {
  it("answers 502 with Kubernetes' message while the apiserver answers 503, then recovers", async () => {
    await expectHealthy();
    const before = proxy.otherRequests;
    proxy.failRequests({ kind: "status", status: 503, message: "etcd leader changed" });
    try {
      for (const response of [await list(), await get()]) {
        const error = await expectError(response, 502);
        expect(error.code).toBe("KubernetesUnavailable");
        expect(error.message).toBe("Kubernetes answered: etcd leader changed");
        expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      }
      expect(proxy.otherRequests).toBeGreaterThan(before);
    } finally {
      proxy.failRequests(undefined);
    }
    await expectHealthy();
  });

  it("answers 502 while the apiserver answers 500", async () => {
    proxy.failRequests({ kind: "status", status: 500, message: "internal error" });
    try {
      const error = await expectError(await list(), 502);
      expect(error.code).toBe("KubernetesUnavailable");
      expect(error.causes).toEqual([]);
    } finally {
      proxy.failRequests(undefined);
    }
    await expectHealthy();
  });

  it("answers 503 'cannot be reached' while connections are dropped unanswered, then recovers", async () => {
    proxy.failRequests({ kind: "drop" });
    try {
      for (const response of [await list(), await get()]) {
        const error = await expectError(response, 503);
        expect(error).toEqual({
          code: "KubernetesUnavailable",
          message: "The Kubernetes API cannot be reached.",
          causes: [],
        });
      }
    } finally {
      proxy.failRequests(undefined);
    }
    await expectHealthy();
  });
});
