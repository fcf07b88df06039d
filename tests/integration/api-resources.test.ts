/**
 * The generic resource routes (list, get, create, update, delete) against the real apiserver,
 * called in-process as the demo users with the demo RBAC: alice operates (edit), bob views,
 * carol is cluster admin, eve is bound to nothing. Every route is checked for 403 (with the RBAC
 * reason), 404, 409 and 422 as a user would meet them, plus dry runs and the audit Event.
 *
 * Needs the local platform: source the env.sh of `./pilothouse up` (KUBECONFIG,
 * PILOTHOUSE_DASHBOARD_KUBECONFIG).
 */
import { randomBytes } from "node:crypto";
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KINDS } from "@/lib/api/kinds";
import { OPERATOR_SHARD_LABEL } from "@/lib/crds/common";
import {
  createHandler,
  deleteHandler,
  getHandler,
  listHandler,
  updateHandler,
} from "@/server/api/resources";
import {
  apiTestPlatform,
  eventsOn,
  expectError,
  expectJson,
  jsonRequest,
  type ApiTestPlatform,
} from "./support/api-callers";

const suffix = randomBytes(3).toString("hex");
const ns = `api-res-${suffix}`;
/** The operator under `./pilothouse up` leaves objects of another shard alone. */
const labels = { [OPERATOR_SHARD_LABEL]: `api-test-${suffix}` };
const s3Storage = (name: string) => ({
  name,
  s3: { endpoint: "http://127.0.0.1:9", bucket: "backups", credentialsSecretRef: { name: "s3" } },
});
const clusterSpec = {
  engine: "mysql",
  replicas: 1,
  storage: { size: "1Gi" },
  backup: { storages: [s3Storage("main"), s3Storage("archive")] },
};

/** A valid create body of every kind. */
const BODIES: Record<string, { name: string; spec: object }> = {
  mysqlclusters: { name: "orders", spec: clusterSpec },
  mysqlbackups: { name: "orders-manual", spec: { clusterName: "orders", storageName: "main" } },
  mysqlrestores: {
    name: "orders-back",
    spec: { backupName: "orders-manual", target: { clusterName: "orders" } },
  },
  kafkaclusters: {
    name: "events",
    spec: {
      kraft: {
        mode: "separate",
        controllers: { replicas: 1, storage: { size: "1Gi" } },
        brokers: { replicas: 1, storage: { size: "1Gi" } },
      },
    },
  },
  kafkatopics: { name: "clicks", spec: { clusterName: "events", partitions: 2 } },
  kafkausers: { name: "reporter", spec: { clusterName: "events" } },
};

let platform: ApiTestPlatform;
const as = (user: "alice" | "bob" | "carol" | "eve") => platform.caller(user);
const path = (plural: string, name?: string) =>
  `/api/v1/namespaces/${ns}/${plural}${name ? `/${name}` : ""}`;
const create = (user: "alice" | "bob", plural: string, body: unknown, query = "") =>
  createHandler(as(user), jsonRequest("POST", `${path(plural)}${query}`, body), {
    namespace: ns,
    plural,
  });
const manifest = (plural: string) => {
  const { name, spec } = BODIES[plural] ?? { name: "", spec: {} };
  return { metadata: { name, labels }, spec };
};

beforeAll(async () => {
  // The namespaces offered to users bound only by RoleBindings (server/config.ts).
  process.env.PILOTHOUSE_NAMESPACES = ns;
  platform = await apiTestPlatform(ns);
});

afterAll(async () => {
  await platform?.admin
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name: ns })
    .catch(() => undefined);
});

describe("every kind through the generic routes", () => {
  it.each(KINDS.map((k) => k.plural))("%s: create, get, list, delete as alice", async (plural) => {
    const { name } = manifest(plural).metadata;
    const created = await expectJson(await create("alice", plural, manifest(plural)), 201);
    expect(created).toMatchObject({ metadata: { name, namespace: ns } });
    const got = await getHandler(as("alice"), jsonRequest("GET", path(plural, name)), {
      namespace: ns,
      plural,
      name,
    });
    expect(await expectJson(got, 200)).toMatchObject({ metadata: { name } });
    const list = await listHandler(
      as("bob"),
      jsonRequest("GET", `/api/v1/${plural}?namespace=${ns}`),
      {
        plural,
      },
    );
    const body = await expectJson<{
      items: { metadata: { name: string } }[];
      resourceVersion: string;
    }>(list, 200);
    expect(body.items.map((i) => i.metadata.name)).toContain(name);
    expect(body.resourceVersion).not.toBe("");
    // Clusters and backups stay: the other kinds name them (a topic of a missing cluster, a
    // restore of a missing backup are refused).
    if (!plural.endsWith("clusters") && plural !== "mysqlbackups") {
      const deleted = await deleteHandler(as("alice"), jsonRequest("DELETE", path(plural, name)), {
        namespace: ns,
        plural,
        name,
      });
      expect(await expectJson(deleted, 200)).toMatchObject({
        kind: KINDS.find((k) => k.plural === plural)?.kind,
        name,
      });
    }
  });
});

describe("list", () => {
  const list = (user: "bob" | "carol" | "eve", query: string, plural = "mysqlclusters") =>
    listHandler(as(user), jsonRequest("GET", `/api/v1/${plural}${query}`), { plural });

  it("403 with the RBAC reason for a namespace the user has no binding in", async () => {
    const error = await expectError(await list("eve", `?namespace=${ns}`), 403);
    expect(error.code).toBe("Forbidden");
    expect(error.message).toMatch(/eve@pilothouse\.dev.*cannot list resource "mysqlclusters"/);
  });

  it("across namespaces: the cluster list for carol, the visible namespaces' for bob and eve", async () => {
    type Listed = { items: { metadata: { namespace: string } }[]; resourceVersion: string };
    const all = await expectJson<Listed>(await list("carol", ""), 200);
    expect(all.items.some((i) => i.metadata.namespace === ns)).toBe(true);
    expect(all.resourceVersion).not.toBe("");
    // bob may not list at the cluster scope: his RoleBinding namespaces (configured) are merged.
    const bobs = await expectJson<Listed>(await list("bob", ""), 200);
    expect(bobs.items.some((i) => i.metadata.namespace === ns)).toBe(true);
    expect(bobs.resourceVersion).toBe("");
    const eves = await expectJson<Listed>(await list("eve", ""), 200);
    expect(eves.items).toEqual([]);
  });

  it("404 for a resource type that is not Pilothouse's; 422 for a bad namespace", async () => {
    expect((await expectError(await list("carol", "", "secrets"), 404)).code).toBe("NotFound");
    const error = await expectError(await list("carol", "?namespace=Not_A_Namespace"), 422);
    expect(error.causes[0]?.field).toBe("namespace");
  });
});

describe("get", () => {
  const get = (user: "alice" | "eve", plural: string, name: string) =>
    getHandler(as(user), jsonRequest("GET", path(plural, name)), { namespace: ns, plural, name });

  it("404 for a missing object or an unknown type, 403 for eve, 422 for a bad name", async () => {
    expect((await expectError(await get("alice", "mysqlclusters", "nothing"), 404)).code).toBe(
      "NotFound",
    );
    await expectError(await get("alice", "pods", "orders"), 404);
    const forbidden = await expectError(await get("eve", "mysqlclusters", "orders"), 403);
    expect(forbidden.message).toMatch(/cannot get resource "mysqlclusters"/);
    const invalid = await expectError(await get("alice", "mysqlclusters", "Orders!"), 422);
    expect(invalid.causes[0]?.field).toBe("name");
  });
});

describe("create", () => {
  it("409 AlreadyExists, 403 for bob with the reason, 422 with field paths", async () => {
    const again = await expectError(
      await create("alice", "mysqlclusters", manifest("mysqlclusters")),
      409,
    );
    expect(again.code).toBe("AlreadyExists");
    const forbidden = await expectError(
      await create("bob", "mysqlclusters", { metadata: { name: "bobs" }, spec: clusterSpec }),
      403,
    );
    expect(forbidden.message).toMatch(
      /bob@pilothouse\.dev.*cannot create resource "mysqlclusters"/,
    );
    const typo = await expectError(
      await create("alice", "mysqlclusters", {
        metadata: { name: "typo" },
        spec: { ...clusterSpec, storage: { size: "1Gi", sizee: "2Gi" }, replica: 2 },
      }),
      422,
    );
    expect(typo.causes).toEqual(
      expect.arrayContaining([
        { field: "spec.storage.sizee", message: "unknown field" },
        { field: "spec.replica", message: "unknown field" },
      ]),
    );
    const elsewhere = await expectError(
      await create("alice", "kafkatopics", {
        metadata: { name: "t", namespace: "demo" },
        spec: { clusterName: "events" },
      }),
      422,
    );
    expect(elsewhere.causes).toEqual([
      { field: "metadata.namespace", message: `must be ${ns}, as in the URL` },
    ]);
    const badPath = await expectError(
      await createHandler(
        as("alice"),
        jsonRequest("POST", "/api/v1/namespaces/Not_A_Namespace/mysqlclusters", {}),
        { namespace: "Not_A_Namespace", plural: "mysqlclusters" },
      ),
      422,
    );
    expect(badPath.causes.map((c) => c.field)).toEqual(["namespace"]);
    const missing = await expectError(
      await create("alice", "mysqlclusters", { metadata: { name: "bare" }, spec: {} }),
      422,
    );
    expect(missing.causes).toContainEqual({ field: "spec.storage", message: "is required" });
  });

  it("passes the apiserver's own field causes through (422)", async () => {
    // zod lets a KafkaCluster pool through whose replica count only the CRD's CEL rule checks.
    const error = await expectError(
      await create("alice", "kafkaclusters", {
        metadata: { name: "even" },
        spec: {
          kraft: {
            mode: "separate",
            controllers: { replicas: 2, storage: { size: "1Gi" } },
            brokers: { replicas: 1, storage: { size: "1Gi" } },
          },
        },
      }),
      422,
    );
    expect(error.causes.some((c) => c.field === "spec.kraft.controllers.replicas")).toBe(true);
  });

  it("?dryRun=All validates and admits without storing", async () => {
    const body = { metadata: { name: "dry" }, spec: clusterSpec };
    const dry = await expectJson(await create("alice", "mysqlclusters", body, "?dryRun=All"), 201);
    expect(dry).toMatchObject({ metadata: { name: "dry" } });
    const after = await getHandler(as("alice"), jsonRequest("GET", path("mysqlclusters", "dry")), {
      namespace: ns,
      plural: "mysqlclusters",
      name: "dry",
    });
    await expectError(after, 404);
    await expectError(await create("alice", "mysqlclusters", body, "?dryRun=Some"), 422);
  });
});

describe("update", () => {
  const put = (user: "alice" | "bob", name: string, body: unknown, query = "") =>
    updateHandler(as(user), jsonRequest("PUT", `${path("mysqlclusters", name)}${query}`, body), {
      namespace: ns,
      plural: "mysqlclusters",
      name,
    });
  const current = async () =>
    expectJson<{ metadata: { resourceVersion: string }; spec: { replicas: number } }>(
      await getHandler(as("alice"), jsonRequest("GET", path("mysqlclusters", "orders")), {
        namespace: ns,
        plural: "mysqlclusters",
        name: "orders",
      }),
      200,
    );

  it("replaces the spec; 409 Conflict for a stale resourceVersion; dry run changes nothing", async () => {
    const before = await current();
    const rv = before.metadata.resourceVersion;
    const body = (replicas: number, resourceVersion?: string) => ({
      metadata: { name: "orders", resourceVersion, labels },
      spec: { ...clusterSpec, replicas },
    });
    const dry = await put("alice", "orders", body(5, rv), "?dryRun=All");
    expect(await expectJson(dry, 200)).toMatchObject({ spec: { replicas: 5 } });
    expect((await current()).spec.replicas).toBe(1);
    const updated = await expectJson(await put("alice", "orders", body(3, rv)), 200);
    expect(updated).toMatchObject({ spec: { replicas: 3 } });
    const stale = await expectError(await put("alice", "orders", body(2, rv)), 409);
    expect(stale.code).toBe("Conflict");
    expect(stale.message).toMatch(/the object has been modified/);
  });

  it("read-modify-write: the object as GET answered it, spec changed, is accepted (200)", async () => {
    type Got = {
      apiVersion: string;
      kind: string;
      metadata: Record<string, unknown> & { uid: string; finalizers?: string[] };
      spec: { replicas: number };
      status?: unknown;
    };
    const got = (await current()) as unknown as Got;
    // What a GET answers carries the apiserver's own fields: all must be tolerated.
    expect(typeof got.metadata.uid).toBe("string");
    expect(typeof got.metadata.generation).toBe("number");
    expect(typeof got.metadata.creationTimestamp).toBe("string");
    const edited = {
      ...got,
      metadata: { ...got.metadata, finalizers: ["example.com/not-yours"], ownerReferences: [] },
      spec: { ...got.spec, replicas: got.spec.replicas + 1 },
      status: { phase: "Made up by the client" },
    };
    const updated = await expectJson<Got>(await put("alice", "orders", edited), 200);
    expect(updated.spec.replicas).toBe(got.spec.replicas + 1);
    expect(updated.metadata.uid).toBe(got.metadata.uid);
    // Finalizers and status are not the client's to change through PUT: the stored ones stay.
    expect(updated.metadata.finalizers).toEqual(got.metadata.finalizers);
    expect(updated.status).toEqual(got.status);

    // Unknown fields elsewhere are still refused, with their path; apiVersion/kind must match.
    const again = (await current()) as unknown as Got;
    const typo = await expectError(
      await put("alice", "orders", { ...again, metadata: { ...again.metadata, labelz: {} } }),
      422,
    );
    expect(typo.causes.map((c) => c.field)).toContain("metadata.labelz");
    const wrongKind = await expectError(
      await put("alice", "orders", { ...again, kind: "KafkaCluster" }),
      422,
    );
    expect(wrongKind.causes.map((c) => c.field)).toContain("kind");
    // A uid of another incarnation of the object: 409, nothing written.
    const recreated = await expectError(
      await put("alice", "orders", { ...again, metadata: { ...again.metadata, uid: "0000" } }),
      409,
    );
    expect(recreated.message).toMatch(/created again/);
  });

  it("403 for bob, 404 for a missing object, 422 from zod and from the apiserver", async () => {
    const body = { metadata: { name: "orders" }, spec: clusterSpec };
    expect((await expectError(await put("bob", "orders", body), 403)).message).toMatch(
      /cannot get resource|cannot update resource/,
    );
    await expectError(await put("alice", "ghost", { ...body, metadata: { name: "ghost" } }), 404);
    const renamed = await expectError(
      await put("alice", "orders", { ...body, metadata: { name: "other" } }),
      422,
    );
    expect(renamed.causes).toEqual([
      { field: "metadata.name", message: "must be orders, as in the URL" },
    ]);
    // The CRD's transition rule: storage size cannot change (yet); only the apiserver knows oldSelf.
    const resize = await expectError(
      await put("alice", "orders", { ...body, spec: { ...clusterSpec, storage: { size: "2Gi" } } }),
      422,
    );
    expect(resize.causes.some((c) => c.field === "spec.storage.size")).toBe(true);
  });
});

describe("delete", () => {
  it("403 for bob, 200 for alice, then 404; the Event names the user", async () => {
    await expectJson(
      await create("alice", "kafkatopics", {
        metadata: { name: "gone", labels },
        spec: { clusterName: "events" },
      }),
      201,
    );
    const del = (user: "alice" | "bob") =>
      deleteHandler(as(user), jsonRequest("DELETE", path("kafkatopics", "gone")), {
        namespace: ns,
        plural: "kafkatopics",
        name: "gone",
      });
    expect((await expectError(await del("bob"), 403)).message).toMatch(
      /cannot delete resource "kafkatopics"/,
    );
    expect(await expectJson(await del("alice"), 200)).toMatchObject({ name: "gone" });
    await expectError(await del("alice"), 404);
    const events = await eventsOn(platform.admin, ns, "gone");
    const messages = events.map((e) => `${e.type} ${e.reason} ${e.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Normal DashboardCreate alice@pilothouse\.dev created KafkaTopic/),
        expect.stringMatching(/^Normal DashboardDelete alice@pilothouse\.dev deleted KafkaTopic/),
      ]),
    );
    // A refusal is in the audit log only: an Event would let any viewer raise alerts on objects.
    expect(messages.filter((m) => m.includes("was refused"))).toEqual([]);
  });
});
