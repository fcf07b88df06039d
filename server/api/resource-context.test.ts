import { describe, expect, it, vi } from "vitest";
import type { UserKubeClients } from "../kube/client";
import { unauthorized } from "./errors";
import { resourceRoute, type CallerDeps } from "./resource-context";

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
