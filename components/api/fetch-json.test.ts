import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ApiRequestError, fetchJson, postJson } from "./fetch-json";

/** The browser's fetch, faked at the boundary: answers by URL and records each request. */
function fakeFetch(answers: ((init?: RequestInit) => Response)[], csrfTokens: string[]) {
  const calls: { url: string; init?: RequestInit }[] = [];
  let token = 0;
  const fake = vi.fn((url: string, init?: RequestInit) => {
    calls.push({ url, init });
    if (url === "/api/auth/csrf") {
      return Promise.resolve(Response.json({ csrfToken: csrfTokens[token++] }));
    }
    const answer = answers.shift();
    if (!answer) throw new Error(`unexpected request ${url}`);
    return Promise.resolve(answer(init));
  });
  vi.stubGlobal("fetch", fake);
  return calls;
}

const csrfRefusal = () =>
  Response.json({ error: { code: "CsrfFailed", message: "no", causes: [] } }, { status: 403 });
const headerOf = (init: RequestInit | undefined) => new Headers(init?.headers).get("X-CSRF-Token");

afterEach(() => vi.unstubAllGlobals());

describe("fetchJson and CSRF", () => {
  it("sends the CSRF token on mutating requests only, fetching it once", async () => {
    const calls = fakeFetch(
      [
        () => Response.json({ ok: 1 }),
        () => Response.json({ ok: 2 }),
        () => Response.json({ ok: 3 }),
      ],
      ["t1"],
    );
    const schema = z.object({ ok: z.number() });
    await fetchJson("/api/v1/kafkatopics", schema);
    await fetchJson("/api/v1/namespaces/demo/kafkatopics", schema, postJson({}));
    await fetchJson("/api/v1/namespaces/demo/kafkatopics/x", schema, { method: "DELETE" });
    const api = calls.filter((c) => c.url !== "/api/auth/csrf");
    expect(api.map((c) => headerOf(c.init))).toEqual([null, "t1", "t1"]);
    expect(new Headers(api[1]?.init?.headers).get("Content-Type")).toBe("application/json");
  });

  it("retries once with a fresh token after CsrfFailed, then reports the refusal", async () => {
    const calls = fakeFetch(
      [csrfRefusal, () => Response.json({ ok: 1 }, { status: 201 }), csrfRefusal, csrfRefusal],
      ["stale", "fresh", "again"],
    );
    const schema = z.object({ ok: z.number() });
    // (The module keeps the token of the previous test: the first POST sends that one.)
    await expect(fetchJson("/api/v1/x", schema, postJson({}))).resolves.toEqual({ ok: 1 });
    const posts = calls.filter((c) => c.url === "/api/v1/x");
    expect(posts).toHaveLength(2);
    expect(headerOf(posts[1]?.init)).not.toBe(headerOf(posts[0]?.init));

    const failed = fetchJson("/api/v1/y", schema, postJson({}));
    await expect(failed).rejects.toBeInstanceOf(ApiRequestError);
    await expect(failed).rejects.toMatchObject({ status: 403, code: "CsrfFailed" });
    expect(calls.filter((c) => c.url === "/api/v1/y")).toHaveLength(2);
  });
});
