/**
 * The Next.js route modules of the REST API as a client meets them: the real guard (bearer
 * tokens of the real OpenID provider, signed in through its login form), the real handlers and
 * the real apiserver. Checks each route's wiring: 401 before anything else, the guard's user
 * acting through RBAC, JSON 404 for an unknown plural whatever the method, and the OpenAPI
 * document served without a session.
 *
 * Needs the local platform's env file (OIDC_*, NEXTAUTH_URL, KUBECONFIG,
 * PILOTHOUSE_DASHBOARD_KUBECONFIG).
 */
import { randomBytes } from "node:crypto";
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as actionRoute from "@/app/api/v1/namespaces/[namespace]/[plural]/[name]/actions/[action]/route";
import * as eventsRoute from "@/app/api/v1/namespaces/[namespace]/[plural]/[name]/events/route";
import * as podsRoute from "@/app/api/v1/namespaces/[namespace]/[plural]/[name]/pods/route";
import * as objectRoute from "@/app/api/v1/namespaces/[namespace]/[plural]/[name]/route";
import * as collectionRoute from "@/app/api/v1/namespaces/[namespace]/[plural]/route";
import * as openApiRoute from "@/app/api/v1/openapi.json/route";
import * as listRoute from "@/app/api/v1/[plural]/route";
import { OPERATOR_SHARD_LABEL } from "@/lib/crds/common";
import { clientFromEnv, signInWithCodeFlow } from "@/platform/oidc/code-flow-client";
import { DEMO_USERS } from "@/platform/oidc/users";
import {
  apiTestPlatform,
  expectError,
  expectJson,
  type ApiTestPlatform,
} from "./support/api-callers";

const suffix = randomBytes(3).toString("hex");
const ns = `api-rt-${suffix}`;
const labels = { [OPERATOR_SHARD_LABEL]: `api-test-${suffix}` };
const spec = { engine: "mysql", replicas: 1, storage: { size: "1Gi" } };
const base = process.env.NEXTAUTH_URL ?? "http://localhost:3000";

let platform: ApiTestPlatform;
const tokens: Record<string, string> = {};

function request(method: string, path: string, token: string | undefined, body?: unknown) {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  return new Request(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
const params = <P>(p: P) => ({ params: Promise.resolve(p) });
const obj = { namespace: ns, plural: "mysqlclusters", name: "orders" };
const objPath = `/api/v1/namespaces/${ns}/mysqlclusters/orders`;

/** Every route of the API, called with `token`. */
const ROUTES = (token: string | undefined) => ({
  list: () =>
    listRoute.GET(
      request("GET", `/api/v1/mysqlclusters?namespace=${ns}`, token),
      params({ plural: "mysqlclusters" }),
    ),
  create: () =>
    collectionRoute.POST(
      request("POST", `/api/v1/namespaces/${ns}/mysqlclusters`, token, {
        metadata: { name: "orders", labels },
        spec,
      }),
      params({ namespace: ns, plural: "mysqlclusters" }),
    ),
  get: () => objectRoute.GET(request("GET", objPath, token), params(obj)),
  update: () =>
    objectRoute.PUT(
      request("PUT", objPath, token, {
        metadata: { name: "orders" },
        spec: { ...spec, replicas: 2 },
      }),
      params(obj),
    ),
  stop: () =>
    actionRoute.POST(
      request("POST", `${objPath}/actions/stop`, token),
      params({ ...obj, action: "stop" }),
    ),
  delete: () => objectRoute.DELETE(request("DELETE", objPath, token), params(obj)),
});

beforeAll(async () => {
  platform = await apiTestPlatform(ns);
  const client = clientFromEnv();
  for (const user of DEMO_USERS.filter((u) => /^(alice|bob)@/.test(u.email))) {
    const set = await signInWithCodeFlow(client, user);
    if (!set.id_token) throw new Error(`no ID token for ${user.email}`);
    tokens[user.email.split("@")[0] ?? ""] = set.id_token;
  }
});

afterAll(async () => {
  await platform?.admin
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name: ns })
    .catch(() => undefined);
});

describe("the route modules", () => {
  it.each(Object.keys(ROUTES(undefined)))(
    "%s: 401 for a bad bearer token, before Kubernetes",
    async (route) => {
      const call = ROUTES("not-a-jwt")[route as keyof ReturnType<typeof ROUTES>];
      const error = await expectError(await call(), 401);
      expect(error.code).toBe("Unauthorized");
    },
  );

  it("act as the token's user: bob is refused by RBAC, alice creates, updates, stops, deletes", async () => {
    const bob = ROUTES(tokens.bob);
    const refused = await expectError(await bob.create(), 403);
    expect(refused.message).toMatch(/bob@pilothouse\.dev.*cannot create resource "mysqlclusters"/);
    const alice = ROUTES(tokens.alice);
    await expectJson(await alice.create(), 201);
    expect((await expectError(await alice.create(), 409)).code).toBe("AlreadyExists");
    await expectJson(await bob.get(), 200);
    expect(await expectJson(await alice.update(), 200)).toMatchObject({ spec: { replicas: 2 } });
    expect(await expectJson(await alice.stop(), 200)).toMatchObject({ spec: { stopped: true } });
    const listed = await expectJson<{ items: unknown[] }>(await bob.list(), 200);
    expect(listed.items).toHaveLength(1);
    expect((await expectError(await bob.delete(), 403)).code).toBe("Forbidden");
    await expectJson(await alice.delete(), 200);
    await expectError(await alice.get(), 404);
  });

  it("serves the OpenAPI 3.1 document without a session, cache-able, listing every route", async () => {
    const response = openApiRoute.GET();
    expect(response.headers.get("cache-control")).toMatch(/public/);
    const doc = await expectJson<{ openapi: string; paths: Record<string, unknown> }>(
      response,
      200,
    );
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/namespaces/{namespace}/mysqlclusters/{name}/actions/backup",
        "/api/v1/alerts",
        "/api/v1/watch/{plural}",
        "/api/v1/namespaces",
        "/api/v1/namespaces/{namespace}/permissions",
        "/api/v1/namespaces/{namespace}/{plural}/{name}/pods",
        "/api/v1/namespaces/{namespace}/{plural}/{name}/events",
        "/api/v1/openapi.json",
      ]),
    );
  });

  /** Every route module and method under a `{plural}`, called for the plural `foos`. */
  const unknown = { namespace: ns, plural: "foos", name: "x" };
  const UNKNOWN_PLURAL: [string, Record<string, unknown>, object][] = [
    [`/api/v1/foos`, listRoute, { plural: "foos" }],
    [`/api/v1/namespaces/${ns}/foos`, collectionRoute, { namespace: ns, plural: "foos" }],
    [`/api/v1/namespaces/${ns}/foos/x`, objectRoute, unknown],
    [`/api/v1/namespaces/${ns}/foos/x/actions/stop`, actionRoute, { ...unknown, action: "stop" }],
    [`/api/v1/namespaces/${ns}/foos/x/pods`, podsRoute, unknown],
    [`/api/v1/namespaces/${ns}/foos/x/events`, eventsRoute, unknown],
  ];
  it.each(
    UNKNOWN_PLURAL.flatMap(([p, mod, ps]) =>
      ["GET", "POST", "PUT", "DELETE"].map((m) => [m, p, mod, ps] as const),
    ),
  )("%s %s: JSON 404 naming the plural and the known ones", async (method, p, mod, ps) => {
    const handler = mod[method] as
      ((r: Request, c: { params: Promise<object> }) => Promise<Response>) | undefined;
    expect(handler, `${method} is exported (else Next.js answers an empty 405)`).toBeDefined();
    const body = method === "POST" || method === "PUT" ? { metadata: { name: "x" } } : undefined;
    const error = await expectError(
      await handler!(request(method, p, tokens.alice, body), params(ps)),
      404,
    );
    expect(error.code).toBe("NotFound");
    expect(error.message).toMatch(/"foos".*mysqlclusters/);
  });
});
