import { beforeEach, describe, expect, it, vi } from "vitest";
import type { UserIdentity } from "../auth/identity";

/**
 * The watch route's end at credential expiry. The guard, the session cookie and the shared
 * watch hub are faked (they have their own tests); the SSE stream and its timer are real.
 */

const alice: UserIdentity = {
  username: "alice@example.com",
  groups: ["pilothouse-admins"],
  email: "alice@example.com",
  name: "Alice",
};
const state = vi.hoisted(() => ({
  via: "session",
  sessionExpiry: undefined as number | undefined,
}));

vi.mock("./guard", () => ({
  guardRequest: vi.fn(() => Promise.resolve({ ok: true, user: alice, via: state.via })),
}));
vi.mock("../auth/session", () => ({
  getSessionAccessTokenExpiry: vi.fn(() => Promise.resolve(state.sessionExpiry)),
}));
vi.mock("../kube/watch-hub", () => ({
  getWatchHub: () => ({
    authorize: () => Promise.resolve({ allowed: true }),
    subscribe: ({ send, signal }: { send: (frame: string) => void; signal: AbortSignal }) => {
      send('id: 42\nevent: change\ndata: {"type":"MODIFIED"}\n\n');
      return new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
    },
  }),
}));

const { watchHandler } = await import("./watch");

/** An unsigned JWT with the given `exp` (the guard has verified the real one). */
function jwtWithExp(exp: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT" })}.${part({ sub: "robot", exp })}.c2ln`;
}

async function frames(response: Response): Promise<string> {
  return new TextDecoder().decode(await response.arrayBuffer());
}

const url = "http://localhost/api/v1/watch/mysqlclusters?namespace=demo";

describe("watchHandler and credential expiry", () => {
  beforeEach(() => {
    state.via = "session";
    state.sessionExpiry = undefined;
  });

  it("ends a session stream when the session's access token expires, asking to re-authorize", async () => {
    state.sessionExpiry = Date.now() / 1000 + 0.2;
    const started = Date.now();
    const response = await watchHandler(new Request(url), "mysqlclusters");
    expect(response.status).toBe(200);
    const body = await frames(response);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(body).toContain("id: 42\nevent: change\n");
    const last = body.trim().split("\n\n").at(-1) ?? "";
    expect(last).toMatch(/^event: stream-error\ndata: /);
    const data = JSON.parse(last.split("\ndata: ")[1] ?? "{}") as { error: { code: string } };
    expect(data.error.code).toBe("Unauthorized");
  });

  it("ends a bearer-token stream at the token's exp", async () => {
    state.via = "bearer";
    const request = new Request(url, {
      headers: { authorization: `Bearer ${jwtWithExp(Math.floor(Date.now() / 1000) + 1)}` },
    });
    const response = await watchHandler(request, "mysqlclusters");
    const body = await frames(response);
    expect(body).toContain("event: stream-error");
    expect(body).toContain("The bearer token has expired");
  });

  it("keeps streaming while the token is valid, and closes quietly when the client leaves", async () => {
    state.sessionExpiry = Date.now() / 1000 + 3600;
    const client = new AbortController();
    const response = await watchHandler(
      new Request(url, { signal: client.signal }),
      "mysqlclusters",
    );
    const body = frames(response);
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.abort();
    const text = await body;
    expect(text).toContain("event: change");
    expect(text).not.toContain("stream-error");
  });
});
