import { describe, expect, it, vi } from "vitest";
import type { UserKubeClients } from "../kube/client";
import { unauthorized } from "./errors";
import { resourceRoute, unsupportedMethod, type CallerDeps } from "./resource-context";

const alice = {
  username: "alice@pilothouse.dev",
  email: "alice@pilothouse.dev",
  name: "Alice",
  groups: [],
};
const request = new Request("http://localhost/api/v1/namespaces/demo/mysqlclusters", {
  method: "POST",
});
const context = { params: Promise.resolve({ namespace: "demo", plural: "mysqlclusters" }) };

function deps(guardOk: boolean) {
  return {
    guard: vi.fn<CallerDeps["guard"]>(() =>
      Promise.resolve(
        guardOk
          ? { ok: true, user: alice, via: "session" }
          : { ok: false, response: unauthorized() },
      ),
    ),
    kubeFor: vi.fn(() => Promise.resolve({ identity: alice } as unknown as UserKubeClients)),
    events: () => ({ record: () => Promise.resolve() }),
  } satisfies CallerDeps;
}

describe("resourceRoute", () => {
  it("answers the guard's 401 before any Kubernetes client or handler runs", async () => {
    const d = deps(false);
    const handler = vi.fn(() => Promise.resolve(new Response()));
    const response = await resourceRoute(handler, { mutating: true }, d)(request, context);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { code: "Unauthorized", message: "Sign in to use the Pilothouse API.", causes: [] },
    });
    expect(d.guard).toHaveBeenCalledWith(request, { mutating: true });
    expect(handler).not.toHaveBeenCalled();
    expect(d.kubeFor).not.toHaveBeenCalled();
  });

  it("passes the caller and the awaited params; maps a thrown error to the JSON error shape", async () => {
    const d = deps(true);
    const handler = vi.fn(() => Promise.resolve(Response.json({ ok: true })));
    await resourceRoute(handler, { mutating: false }, d)(request, context);
    expect(handler).toHaveBeenCalledWith(expect.objectContaining({ user: alice }), request, {
      namespace: "demo",
      plural: "mysqlclusters",
    });
    const failing = resourceRoute(() => Promise.reject(new Error("boom")), { mutating: false }, d);
    const response = await failing(request, context);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: { code: "InternalError" } });
  });
});

describe("unsupportedMethod", () => {
  const call = (method: string, plural: string, guardOk = true) =>
    unsupportedMethod<{ plural: string }>(["GET"], deps(guardOk))(
      new Request(`http://localhost/api/v1/${plural}`, { method }),
      { params: Promise.resolve({ plural }) },
    );

  it.each(["GET", "POST", "PUT", "PATCH", "DELETE"])(
    "%s on an unknown plural: JSON 404 naming it and the known plurals",
    async (method) => {
      const response = await call(method, "foos");
      expect(response.status).toBe(404);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("NotFound");
      expect(body.error.message).toMatch(/"foos"/);
      expect(body.error.message).toMatch(/mysqlclusters, .*kafkausers/);
    },
  );

  it("a known plural: JSON 405 with Allow", async () => {
    const response = await call("DELETE", "mysqlclusters");
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET");
    expect(await response.json()).toMatchObject({ error: { message: /DELETE is not served/ } });
  });

  it("the guard's 401 first, without a session", async () => {
    expect((await call("PUT", "foos", false)).status).toBe(401);
  });

  it("says where the method is served instead, when the route knows", async () => {
    const handler = unsupportedMethod<{ plural: string }>(["POST"], deps(true), ({ plural }, m) =>
      m === "GET" ? `To list, GET /api/v1/${plural}?namespace=demo.` : undefined,
    );
    const request = (method: string) =>
      handler(new Request("http://localhost/api/v1/namespaces/demo/mysqlclusters", { method }), {
        params: Promise.resolve({ plural: "mysqlclusters" }),
      });
    expect(await (await request("GET")).json()).toMatchObject({
      error: {
        message:
          "GET is not served here; use POST. To list, GET /api/v1/mysqlclusters?namespace=demo.",
      },
    });
    expect(await (await request("PUT")).json()).toMatchObject({
      error: { message: "PUT is not served here; use POST." },
    });
  });
});
