import { describe, expect, it, vi } from "vitest";
import { runWatchLoop, type WatchLoopHandlers, type WatchStarter } from "./watch-loop";

/** One scripted watch request: events to deliver, then how the request ends. */
interface Step {
  events?: [string, unknown][];
  /** What `done` receives: null (server closed), an Error, or "timeout" (client-node's abort). */
  end?: null | Error | "timeout";
  /** The request fails before any event with this HTTP status (like Watch does). */
  status?: number;
}

const obj = (rv: string, name = "a") => ({ metadata: { name, resourceVersion: rv } });
const httpError = (status: number) => Object.assign(new Error("HTTP"), { statusCode: status });

/** A WatchStarter that plays `steps`, then aborts the loop. */
function fakeWatcher(steps: Step[], stop: AbortController) {
  const calls: Record<string, unknown>[] = [];
  const watcher: WatchStarter = {
    watch(_path, params, callback, done) {
      calls.push(params);
      const step = steps.shift();
      // Like client-node: an error status rejects the request before any stream exists.
      if (step?.status) return Promise.reject(httpError(step.status));
      const controller = new AbortController();
      let finished = false;
      const finish = (err: unknown) => {
        if (!finished) {
          finished = true;
          done(err);
        }
      };
      controller.signal.addEventListener("abort", () =>
        finish(new DOMException("aborted", "AbortError")),
      );
      setTimeout(() => {
        if (!step) {
          stop.abort();
          return finish(null);
        }
        if (step.status) return finish(httpError(step.status));
        for (const [type, object] of step.events ?? []) {
          if (controller.signal.aborted) return;
          callback(type, object);
        }
        if (step.end === "timeout") finish(new DOMException("timeout", "TimeoutError"));
        else finish(step.end ?? null);
      }, 0);
      return Promise.resolve(controller);
    },
  };
  return { watcher, calls };
}

function recorder() {
  const log: string[] = [];
  const handlers: WatchLoopHandlers = {
    onSnapshot: (items, rv) => log.push(`snapshot ${items.length} @${rv}`),
    onChange: (type, _o, rv) => log.push(`${type} @${rv}`),
    onBookmark: (rv) => log.push(`bookmark @${rv}`),
    onFatal: (e) => log.push(`fatal ${e.status}`),
    onRetry: (e, ms) => log.push(`retry ${e.name} ${ms}ms`),
  };
  return { log, handlers };
}

async function run(
  steps: Step[],
  opts: { resourceVersion?: string; lists?: string[]; established?: boolean } = {},
) {
  const stop = new AbortController();
  const { watcher, calls } = fakeWatcher(steps, stop);
  const { log, handlers } = recorder();
  if (opts.established) handlers.onEstablished = () => log.push("established");
  const lists = [...(opts.lists ?? ["L1", "L2", "L3"])];
  const list = vi.fn(() =>
    Promise.resolve({ items: [obj("x")], resourceVersion: lists.shift() ?? "L?" }),
  );
  await runWatchLoop({
    watcher,
    path: "/apis/g/v1/namespaces/demo/things",
    list,
    resourceVersion: opts.resourceVersion,
    signal: stop.signal,
    handlers,
    backoff: { initialMs: 1, maxMs: 4 },
    minHealthyWatchMs: 0,
  });
  return { log, calls, list };
}

describe("runWatchLoop", () => {
  it("lists first, then watches from the list's resourceVersion with bookmarks and a server timeout", async () => {
    const { log, calls } = await run([{ events: [["ADDED", obj("r2")]] }]);
    expect(log).toEqual(["snapshot 1 @L1", "ADDED @r2"]);
    expect(calls[0]).toMatchObject({
      resourceVersion: "L1",
      allowWatchBookmarks: true,
      timeoutSeconds: 25,
    });
  });

  it("resumes from the last event after client-node's 30 s timeout or a server close, without relisting", async () => {
    const { log, calls, list } = await run(
      [
        { events: [["MODIFIED", obj("zz-9")]], end: "timeout" },
        { events: [["BOOKMARK", obj("0010")]], end: null },
        { events: [["DELETED", obj("0009")]] },
      ],
      { resourceVersion: "start" },
    );
    expect(list).not.toHaveBeenCalled();
    // Opaque: "0009" after "0010" is passed on as it comes, never compared.
    expect(calls.map((c) => c.resourceVersion)).toEqual(["start", "zz-9", "0010", "0009"]);
    expect(log).toEqual(["MODIFIED @zz-9", "bookmark @0010", "DELETED @0009"]);
  });

  it("relists on HTTP 410 Gone", async () => {
    const { log, calls } = await run([{ status: 410 }, { events: [["ADDED", obj("r5")]] }], {
      resourceVersion: "old",
      lists: ["L7"],
    });
    expect(log).toEqual(["snapshot 1 @L7", "ADDED @r5"]);
    expect(calls.map((c) => c.resourceVersion)).toEqual(["old", "L7", "r5"]);
  });

  it("relists on an in-stream ERROR 410 and ignores what follows it", async () => {
    const expired = {
      kind: "Status",
      code: 410,
      reason: "Expired",
      message: "too old resource version",
    };
    const { log, calls } = await run(
      [
        {
          events: [
            ["ERROR", expired],
            ["ADDED", obj("late")],
          ],
        },
      ],
      { resourceVersion: "old", lists: ["L9"] },
    );
    expect(log).toEqual(["snapshot 1 @L9"]);
    expect(calls.map((c) => c.resourceVersion)).toEqual(["old", "L9"]);
  });

  it("stops on 403 and reports it, without retrying", async () => {
    const { log, calls } = await run([{ status: 403 }, {}], { resourceVersion: "r" });
    expect(log).toEqual(["fatal 403"]);
    expect(calls).toHaveLength(1);
  });

  it("stops on an in-stream ERROR other than 410 when retrying cannot fix it", async () => {
    const forbidden = { kind: "Status", code: 403, reason: "Forbidden", message: "no" };
    const { log } = await run([{ events: [["ERROR", forbidden]] }], { resourceVersion: "r" });
    expect(log).toEqual(["fatal 403"]);
  });

  it("retries transient failures with growing backoff, keeping its place", async () => {
    const { log, calls } = await run(
      [
        { status: 500 },
        { end: new TypeError("socket hang up") },
        { status: 503 },
        { events: [["ADDED", obj("r2")]] },
      ],
      { resourceVersion: "r1" },
    );
    expect(log).toEqual([
      "retry KubeApiError 1ms",
      "retry KubeConnectionError 2ms",
      "retry KubeApiError 4ms",
      "ADDED @r2",
    ]);
    expect(calls.map((c) => c.resourceVersion)).toEqual(["r1", "r1", "r1", "r1", "r2"]);
  });

  it("reports each accepted watch request, and none for a refused one (live only once re-established)", async () => {
    const { log } = await run(
      [
        { status: 503 },
        { end: new TypeError("connect ECONNREFUSED") },
        { events: [["ADDED", obj("r2")]] },
      ],
      { resourceVersion: "r1", established: true },
    );
    expect(log).toEqual([
      "retry KubeApiError 1ms",
      "established",
      "retry KubeConnectionError 2ms",
      "established",
      "ADDED @r2",
      "established",
    ]);
  });

  it("treats a watch that ends at once without events as a failure (no hot loop)", async () => {
    const stop = new AbortController();
    const { watcher } = fakeWatcher([{ end: null }, { events: [["ADDED", obj("r2")]] }], stop);
    const { log, handlers } = recorder();
    await runWatchLoop({
      watcher,
      path: "/p",
      list: () => Promise.resolve({ items: [], resourceVersion: "L" }),
      resourceVersion: "r1",
      signal: stop.signal,
      handlers,
      backoff: { initialMs: 1, maxMs: 1 },
      minHealthyWatchMs: 60_000,
    });
    expect(log).toEqual(["retry KubeConnectionError 1ms", "ADDED @r2"]);
  });

  it("returns promptly when aborted while waiting", async () => {
    const stop = new AbortController();
    const watcher: WatchStarter = { watch: () => new Promise(() => undefined) };
    const { handlers } = recorder();
    const loop = runWatchLoop({
      watcher,
      path: "/p",
      list: () => Promise.resolve({ items: [], resourceVersion: "L" }),
      resourceVersion: "r",
      signal: stop.signal,
      handlers,
    });
    stop.abort();
    await expect(loop).resolves.toBeUndefined();
  });
});
