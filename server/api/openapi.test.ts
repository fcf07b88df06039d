import { describe, expect, it } from "vitest";
import { z } from "zod";
import { actionRequestSchema } from "@/lib/api/action-requests";
import { KINDS } from "@/lib/api/kinds";
import { REQUEST_SCHEMAS } from "@/lib/api/requests";
import { actionHandler } from "./actions";
import { buildOpenApiDocument, toComponentSchema } from "./openapi";
import { OPERATIONS } from "./openapi-operations";
import type { Caller } from "./resource-context";
import { createHandler, updateHandler } from "./resources";

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content: Record<string, { schema: { $ref: string } }> };
        responses: Record<string, unknown>;
      }
    >
  >;
  components: {
    schemas: Record<string, Record<string, unknown>>;
    responses: Record<string, unknown>;
  };
};
const doc = buildOpenApiDocument() as Doc;
const schemaOf = (path: string, method: string) => {
  const ref =
    doc.paths[path]?.[method]?.requestBody?.content["application/json"]?.schema.$ref ?? "";
  return doc.components.schemas[ref.replace("#/components/schemas/", "")];
};

/**
 * A caller whose Kubernetes clients must never be reached: these tests only send bodies the
 * handlers refuse before calling Kubernetes.
 */
const unreachable = new Proxy(
  {},
  {
    get() {
      throw new Error("Kubernetes must not be called for an invalid body");
    },
  },
);
const caller = {
  user: {
    username: "alice@pilothouse.dev",
    email: "alice@pilothouse.dev",
    name: "Alice",
    groups: [],
  },
  kube: unreachable,
  events: { record: () => Promise.resolve() },
} as unknown as Caller;
const post = (body: unknown) =>
  new Request("http://localhost/x", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("the OpenAPI document", () => {
  it("resolves every $ref inside the document", () => {
    const text = JSON.stringify(doc);
    const refs = [...text.matchAll(/"\$ref":"#\/components\/(schemas|responses)\/([^"]+)"/g)];
    expect(refs.length).toBeGreaterThan(50);
    for (const [, section, name] of refs) {
      const table = section === "schemas" ? doc.components.schemas : doc.components.responses;
      expect(table[name ?? ""], `${section}/${name}`).toBeDefined();
    }
    expect(text).not.toContain("#/$defs/");
  });

  it("is OpenAPI 3.1 with the error shape", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.schemas.ApiError).toMatchObject({
      type: "object",
      properties: { error: { properties: { code: {}, message: {}, causes: { type: "array" } } } },
    });
    for (const status of ["401", "403", "404", "409", "422"]) {
      expect(doc.components.responses[status]).toBeDefined();
    }
  });

  it.each(KINDS.map((k) => [k.plural, k] as const))(
    "lists every route and action of %s",
    (plural, kind) => {
      const object = `/api/v1/namespaces/{namespace}/${plural}/{name}`;
      expect(Object.keys(doc.paths[`/api/v1/${plural}`] ?? {})).toEqual(["get"]);
      expect(Object.keys(doc.paths[`/api/v1/namespaces/{namespace}/${plural}`] ?? {})).toEqual([
        "post",
      ]);
      expect(Object.keys(doc.paths[object] ?? {}).sort()).toEqual(["delete", "get", "put"]);
      for (const action of kind.actions) {
        const op = doc.paths[`${object}/actions/${action}`]?.post;
        expect(op, action).toBeDefined();
        expect(Object.keys(op?.responses ?? {})).toEqual(
          expect.arrayContaining(["401", "403", "404", "409", "422"]),
        );
      }
      const documented = Object.keys(doc.paths).filter((p) => p.startsWith(`${object}/actions/`));
      expect(documented).toHaveLength(kind.actions.length);
    },
  );

  it("documents exactly the schemas the handlers validate with", () => {
    for (const op of OPERATIONS) {
      if (!op.request) continue;
      const handlers =
        op.method === "post" && !op.action
          ? REQUEST_SCHEMAS[op.kind.plural as keyof typeof REQUEST_SCHEMAS].create
          : op.method === "put"
            ? REQUEST_SCHEMAS[op.kind.plural as keyof typeof REQUEST_SCHEMAS].update
            : actionRequestSchema(op.kind.plural as keyof typeof REQUEST_SCHEMAS, op.action!);
      expect(op.request.schema, op.operationId).toBe(handlers);
      const components: Record<string, Record<string, unknown>> = {};
      const rendered = toComponentSchema(handlers, "input", components);
      expect(schemaOf(op.path, op.method), op.operationId).toEqual(
        components[op.request.name] ?? rendered,
      );
    }
  });
});

describe("the handlers refuse what the document refuses", () => {
  it.each(KINDS.map((k) => k.plural))(
    "%s: unknown fields are closed in the document and 422 in the handler",
    async (plural) => {
      const create = schemaOf(`/api/v1/namespaces/{namespace}/${plural}`, "post");
      expect(create?.additionalProperties).toBe(false);
      const response = await createHandler(
        caller,
        post({ metadata: { name: "x", colour: "red" }, spec: {}, extra: 1 }),
        {
          namespace: "demo",
          plural,
        },
      );
      expect(response.status).toBe(422);
      const body = (await response.json()) as { error: { causes: { field?: string }[] } };
      const fields = body.error.causes.map((c) => c.field);
      expect(fields).toEqual(expect.arrayContaining(["metadata.colour", "extra"]));
      const update = await updateHandler(
        caller,
        new Request("http://localhost/x", {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: "{}",
        }),
        { namespace: "demo", plural, name: "x" },
      );
      expect(update.status).toBe(422);
    },
  );

  it("an action body with a field the document does not list is 422 before Kubernetes", async () => {
    const schema = schemaOf(
      "/api/v1/namespaces/{namespace}/mysqlclusters/{name}/actions/switchover",
      "post",
    );
    expect(Object.keys((schema?.properties as object | undefined) ?? {})).toEqual([
      "targetInstance",
    ]);
    const response = await actionHandler(
      caller,
      post({ targetInstance: "orders-1", force: true }),
      {
        namespace: "demo",
        plural: "mysqlclusters",
        name: "orders",
        action: "switchover",
      },
    );
    expect(response.status).toBe(422);
    expect(
      z
        .object({
          error: z.object({
            causes: z.array(z.object({ field: z.string(), message: z.string() })),
          }),
        })
        .parse(await response.json()).error.causes,
    ).toEqual([{ field: "force", message: "unknown field" }]);
  });
});
