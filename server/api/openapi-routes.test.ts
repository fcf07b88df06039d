import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { KIND_PLURALS } from "@/lib/api/kinds";
import { buildOpenApiDocument } from "./openapi";

/**
 * The document against the route files themselves: every `route.ts` under `app/api/v1` and
 * every method it serves must be in the OpenAPI document, so a new route cannot be left out.
 * Methods answered by `unsupportedMethod` (JSON 404/405 only) are not operations.
 */

type OperationObject = {
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, unknown> }>;
};
type Doc = { paths: Record<string, Record<string, OperationObject>> };
const doc = buildOpenApiDocument() as Doc;

const API_ROOT = path.join(process.cwd(), "app", "api", "v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** Every route file as `{ path: "/api/v1/{plural}", file }`, folders `[x]` as `{x}`. */
function routeFiles(dir = API_ROOT, segments: string[] = []): { path: string; file: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return routeFiles(full, [...segments, entry.name.replace(/^\[(\w+)\]$/, "{$1}")]);
    }
    return entry.name === "route.ts" ? [{ path: `/api/v1/${segments.join("/")}`, file: full }] : [];
  });
}

/** The methods a route module serves for real (not through `unsupportedMethod` or an alias of it). */
function servedMethods(source: string): string[] {
  const unsupported = new Set<string>();
  const served: string[] = [];
  for (const match of source.matchAll(
    /export\s+(?:async\s+)?(?:function\s+(\w+)|const\s+(\w+)\s*=\s*(\w+))/g,
  )) {
    const name = match[1] ?? match[2] ?? "";
    if (!(METHODS as readonly string[]).includes(name)) continue;
    if (match[3] === "unsupportedMethod" || unsupported.has(match[3] ?? "")) unsupported.add(name);
    else served.push(name);
  }
  return served;
}

/** Whether a document path is served by a route file's path template. */
function matches(routePath: string, docPath: string): boolean {
  const r = routePath.split("/");
  const d = docPath.split("/");
  if (r.length !== d.length) return false;
  return r.every((segment, i) => {
    const other = d[i] ?? "";
    if (segment === other) return true;
    if (segment === "{plural}") return (KIND_PLURALS as readonly string[]).includes(other);
    return segment === "{action}" && /^[a-z]+$/.test(other);
  });
}

const routes = routeFiles();

describe("the OpenAPI document covers app/api/v1", () => {
  it("finds the route files (the walk itself works)", () => {
    const paths = routes.map((r) => r.path);
    for (const expected of [
      "/api/v1/{plural}",
      "/api/v1/alerts",
      "/api/v1/namespaces",
      "/api/v1/openapi.json",
      "/api/v1/watch/{plural}",
      "/api/v1/namespaces/{namespace}/permissions",
      "/api/v1/namespaces/{namespace}/{plural}/{name}/pods",
      "/api/v1/namespaces/{namespace}/{plural}/{name}/events",
    ]) {
      expect(paths).toContain(expected);
    }
  });

  it.each(routes.map((r) => [r.path, r.file] as const))(
    "%s: every method it serves is documented",
    (routePath, file) => {
      const methods = servedMethods(readFileSync(file, "utf8"));
      expect(methods.length).toBeGreaterThan(0);
      for (const method of methods) {
        const documented = Object.entries(doc.paths).filter(
          ([docPath, item]) => matches(routePath, docPath) && item[method.toLowerCase()],
        );
        expect(documented.length, `${method} ${routePath}`).toBeGreaterThan(0);
      }
    },
  );

  it("documents no path that no route file serves", () => {
    for (const docPath of Object.keys(doc.paths)) {
      expect(
        routes.some((r) => matches(r.path, docPath)),
        docPath,
      ).toBe(true);
    }
  });
});

describe("the security of each operation", () => {
  const operations = Object.entries(doc.paths).flatMap(([p, item]) =>
    Object.entries(item).map(([method, op]) => ({ path: p, method, op })),
  );

  it("the watch route is an event stream", () => {
    const watch = doc.paths["/api/v1/watch/{plural}"]?.get;
    expect(Object.keys(watch?.responses["200"]?.content ?? {})).toEqual(["text/event-stream"]);
  });

  it("the document itself needs no session; every other operation does", () => {
    expect(doc.paths["/api/v1/openapi.json"]?.get?.security).toEqual([]);
    for (const { path: p, method, op } of operations) {
      if (p === "/api/v1/openapi.json") continue;
      expect(op.security, `${method} ${p}`).toContainEqual({ bearer: [] });
      expect(op.responses, `${method} ${p}`).toHaveProperty("401");
    }
  });

  it("mutating operations need the CSRF header with a session cookie; reads do not", () => {
    for (const { path: p, method, op } of operations) {
      if (p === "/api/v1/openapi.json") continue;
      const session = method === "get" ? { session: [] } : { session: [], csrf: [] };
      expect(op.security, `${method} ${p}`).toContainEqual(session);
    }
  });
});
