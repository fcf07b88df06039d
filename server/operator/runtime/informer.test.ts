import { ApiException } from "@kubernetes/client-node";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import {
  Informer,
  type ListResult,
  type ListWatchSource,
  type WatchEventHandler,
} from "./informer";

const logger = pino({ level: "silent" });

const pod = (name: string, resourceVersion: string) => ({
  metadata: { name, namespace: "ns", resourceVersion },
});

type ListStep = ListResult | Error;
type WatchStep = (onEvent: WatchEventHandler, signal: AbortSignal) => Promise<void>;

/** A watch that delivers `events` and then ends normally (like a server-side timeout). */
const emitThenEnd =
  (...events: [string, unknown][]): WatchStep =>
  (onEvent) => {
    for (const [type, object] of events) onEvent(type, object);
    return Promise.resolve();
  };

/** Waits until `signal` aborts, then rejects like a fetch would. */
const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((_, reject) =>
    signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true }),
  );

/** A scripted source: each list()/watch() call takes the next step; the last watch step repeats. */
class ScriptedSource implements ListWatchSource {
  readonly calls: string[] = [];
  constructor(
    private readonly lists: ListStep[],
    private readonly watches: WatchStep[],
  ) {}
  list(): Promise<ListResult> {
    this.calls.push("list");
    const step = this.lists.shift();
    if (!step) return Promise.reject(new Error("no more lists"));
    return step instanceof Error ? Promise.reject(step) : Promise.resolve(step);
  }
  watch(resourceVersion: string, onEvent: WatchEventHandler, signal: AbortSignal): Promise<void> {
    this.calls.push(`watch@${resourceVersion}`);
    const step = this.watches.length > 1 ? this.watches.shift() : this.watches[0];
    return step ? step(onEvent, signal) : untilAborted(signal);
  }
}

function record(informer: Informer): string[] {
  const events: string[] = [];
  informer.onEvent((event, object) =>
    events.push(`${event} ${object.metadata.name}@${object.metadata.resourceVersion}`),
  );
  return events;
}

async function until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting for condition");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const options = { name: "pods", logger, baseRetryDelayMs: 1, maxRetryDelayMs: 4 };

describe("Informer", () => {
  it("lists, then applies watch events to the cache and to handlers", async () => {
    const source = new ScriptedSource(
      [{ items: [pod("a", "1")], resourceVersion: "10" }],
      [
        async (onEvent, signal) => {
          onEvent("ADDED", pod("b", "11"));
          onEvent("MODIFIED", pod("a", "12"));
          onEvent("MODIFIED", pod("a", "12"));
          onEvent("BOOKMARK", { kind: "Pod", metadata: { resourceVersion: "13" } });
          onEvent("DELETED", pod("b", "14"));
          await untilAborted(signal);
        },
      ],
    );
    const informer = new Informer({ ...options, source });
    const events = record(informer);
    informer.start();
    await informer.waitForSync();
    await until(() => events.length === 4);
    expect(events).toEqual(["add a@1", "add b@11", "update a@12", "delete b@14"]);
    expect(informer.list().map((object) => object.metadata.name)).toEqual(["a"]);
    await informer.stop();
    expect(source.calls).toEqual(["list", "watch@10"]);
  });

  it("resumes from the last resourceVersion when a watch ends normally", async () => {
    const source = new ScriptedSource(
      [{ items: [], resourceVersion: "5" }],
      [
        emitThenEnd(["ADDED", pod("a", "6")]),
        emitThenEnd(["BOOKMARK", { kind: "Pod", metadata: { resourceVersion: "9" } }]),
        (_, signal) => untilAborted(signal),
      ],
    );
    const informer = new Informer({ ...options, source });
    informer.start();
    await until(() => source.calls.length === 4);
    await informer.stop();
    expect(source.calls).toEqual(["list", "watch@5", "watch@6", "watch@9"]);
  });

  it("restarts after a failed list (e.g. CRD not yet installed) and after a failed watch", async () => {
    const source = new ScriptedSource(
      [
        new Error("404 the server could not find the requested resource"),
        { items: [pod("a", "1"), pod("b", "1")], resourceVersion: "3" },
        { items: [pod("a", "4")], resourceVersion: "7" },
      ],
      [() => Promise.reject(new Error("connection reset")), (_, signal) => untilAborted(signal)],
    );
    const informer = new Informer({ ...options, source });
    const events = record(informer);
    informer.start();
    await until(() => source.calls.length === 5);
    await informer.stop();
    expect(source.calls).toEqual(["list", "list", "watch@3", "list", "watch@7"]);
    expect(events).toEqual(["add a@1", "add b@1", "update a@4", "delete b@1"]);
  });

  it("relists on an in-stream ERROR event, 410 Gone or otherwise", async () => {
    const source = new ScriptedSource(
      [
        { items: [], resourceVersion: "1" },
        { items: [], resourceVersion: "2" },
        { items: [], resourceVersion: "3" },
      ],
      [
        emitThenEnd(["ERROR", { kind: "Status", code: 410, message: "too old" }]),
        emitThenEnd(["ERROR", { kind: "Status", code: 500, message: "internal" }]),
        (_, signal) => untilAborted(signal),
      ],
    );
    const informer = new Informer({ ...options, source });
    informer.start();
    await until(() => source.calls.length === 6);
    await informer.stop();
    expect(source.calls).toEqual(["list", "watch@1", "list", "watch@2", "list", "watch@3"]);
  });

  it("relists at once, without backoff, when the watch request itself answers 410 Gone", async () => {
    const gone = Object.assign(new Error("Gone"), { statusCode: 410 });
    const source = new ScriptedSource(
      [
        { items: [], resourceVersion: "1" },
        { items: [], resourceVersion: "2" },
      ],
      [() => Promise.reject(gone), (_, signal) => untilAborted(signal)],
    );
    const informer = new Informer({ ...options, baseRetryDelayMs: 60_000, source });
    informer.start();
    await until(() => source.calls.length === 4);
    await informer.stop();
    expect(source.calls).toEqual(["list", "watch@1", "list", "watch@2"]);
  });

  it("stops promptly while a watch is open, and does not restart", async () => {
    const source = new ScriptedSource(
      [{ items: [], resourceVersion: "1" }],
      [(_, signal) => untilAborted(signal)],
    );
    const informer = new Informer({ ...options, source });
    informer.start();
    await informer.waitForSync();
    await until(() => source.calls.length === 2);
    await informer.stop();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(source.calls).toEqual(["list", "watch@1"]);
  });

  it("skips objects without metadata instead of failing the stream", async () => {
    const source = new ScriptedSource(
      [{ items: [{ nonsense: true }, pod("a", "1")], resourceVersion: "1" }],
      [
        async (onEvent, signal) => {
          onEvent("ADDED", { metadata: { namespace: "ns" } });
          onEvent("ADDED", pod("b", "2"));
          await untilAborted(signal);
        },
      ],
    );
    const informer = new Informer({ ...options, source });
    const events = record(informer);
    informer.start();
    await until(() => events.length === 2);
    await informer.stop();
    expect(events).toEqual(["add a@1", "add b@2"]);
  });
});

describe("Informer and 429 TooManyRequests", () => {
  /** What client-node throws while a fresh CRD's watch cache initializes. */
  const tooManyRequests = () =>
    new ApiException<string>(
      429,
      "HTTP-Code: 429",
      JSON.stringify({ message: "storage is (re)initializing", reason: "TooManyRequests" }),
      { "retry-after": "1" },
    );

  /** A logger that keeps every line at debug level and above. */
  function capturingLogger() {
    const lines: { level: number; msg: string; retryInMs?: number }[] = [];
    const stream = { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[0]) };
    return { lines, logger: pino({ level: "debug" }, stream) };
  }

  it("waits the Retry-After (not the failure backoff) and logs no warning", async () => {
    const { lines, logger: capturing } = capturingLogger();
    const source = new ScriptedSource(
      [tooManyRequests(), { items: [pod("a", "1")], resourceVersion: "2" }],
      [(_, signal) => untilAborted(signal)],
    );
    // The failure backoff is 1 ms: a restart before one second would ignore Retry-After.
    const informer = new Informer({ ...options, logger: capturing, source });
    const started = Date.now();
    informer.start();
    await informer.waitForSync();
    const waited = Date.now() - started;
    await informer.stop();
    expect(waited).toBeGreaterThanOrEqual(1_000);
    expect(waited).toBeLessThan(1_500);
    expect(source.calls).toEqual(["list", "list", "watch@2"]);
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    const throttled = lines.find((l) => l.msg.includes("429"));
    expect(throttled).toMatchObject({ level: 20, message: "storage is (re)initializing" });
  });

  it("warns once 429s go on past quietThrottles in a row", async () => {
    const { lines, logger: capturing } = capturingLogger();
    const throttle = Object.assign(new Error("watch 429"), { statusCode: 429 });
    const source = new ScriptedSource(
      [
        { items: [], resourceVersion: "1" },
        { items: [], resourceVersion: "2" },
      ],
      [() => Promise.reject(throttle), (_, signal) => untilAborted(signal)],
    );
    const informer = new Informer({ ...options, logger: capturing, quietThrottles: 0, source });
    informer.start();
    await until(() => source.calls.length === 4, 3_000);
    await informer.stop();
    expect(source.calls).toEqual(["list", "watch@1", "list", "watch@2"]);
    expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual([
      "apiserver keeps answering 429; waiting its Retry-After",
    ]);
  });
});
