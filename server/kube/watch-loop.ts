import "server-only";
import { z } from "zod";
import { KubeApiError, KubeConnectionError, kubeApiErrorFrom, toKubeError } from "./errors";

/**
 * A list-then-watch loop over one collection that never gives up on its own: client-node's
 * `Watch` ends every request after 30 s without data, and the apiserver ends watches too, so the
 * loop resumes from the last resourceVersion it saw, relists when the apiserver answers 410 Gone
 * (as HTTP status or as an in-stream ERROR event), backs off on transient failures, and stops
 * only when aborted or on an error retrying cannot fix (401, 403, 404, ...).
 *
 * resourceVersions are passed through as opaque strings; they are never compared.
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#410-gone-responses
 */

/** What client-node's `Watch` offers; an interface so tests can drive the loop. */
export interface WatchStarter {
  watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController>;
}

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

export interface WatchLoopHandlers {
  /** A complete state as of `resourceVersion` (first list, or relist after 410): replace all. */
  onSnapshot(items: unknown[], resourceVersion: string): void;
  onChange(type: ChangeType, object: unknown, resourceVersion: string): void;
  onBookmark(resourceVersion: string): void;
  /**
   * A watch request was accepted (HTTP 200): changes flow again from here. Called for every
   * request of the loop, so it also marks the end of an interruption.
   */
  onEstablished?(): void;
  /** The loop stopped on an error it will not retry. */
  onFatal(error: KubeApiError): void;
  /** A transient failure; the loop retries after `delayMs` milliseconds. */
  onRetry?(error: KubeApiError | KubeConnectionError, delayMs: number): void;
}

export interface WatchLoopOptions {
  watcher: WatchStarter;
  /** Collection path, e.g. `/apis/mysql.pilothouse.dev/v1alpha1/namespaces/demo/mysqlclusters`. */
  path: string;
  /** Extra query parameters, e.g. `{ fieldSelector: "metadata.name=x" }`. */
  params?: Record<string, string>;
  /** Lists the collection: its raw items and the list's resourceVersion. */
  list(): Promise<{ items: unknown[]; resourceVersion: string }>;
  /** Start after this resourceVersion instead of listing first. */
  resourceVersion?: string;
  signal: AbortSignal;
  handlers: WatchLoopHandlers;
  /**
   * Server-side lifetime of one watch request, in seconds. Below client-node's 30 s inactivity
   * abort, so the apiserver ends each request cleanly (with a bookmark just before, which keeps
   * the resume point fresh).
   */
  timeoutSeconds?: number;
  /** First and longest retry delay, in milliseconds. */
  backoff?: { initialMs: number; maxMs: number };
  /**
   * A watch that ends without any event sooner than this (milliseconds) counts as a failure and
   * is retried with backoff, so a server that keeps closing at once is not hammered.
   */
  minHealthyWatchMs?: number;
}

/** Statuses a retry cannot fix: the stream is refused for this user or this request. */
const FATAL_STATUSES = new Set([400, 401, 403, 404, 405, 422]);

const ObjectWithVersionSchema = z.object({
  metadata: z.object({ resourceVersion: z.string().min(1) }),
});

type WatchOutcome =
  | { kind: "ended" }
  | { kind: "expired" }
  | { kind: "failed"; error: KubeApiError | KubeConnectionError };

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });

/**
 * Runs the loop until `options.signal` aborts or a fatal error (reported to `onFatal`).
 * Never rejects.
 */
export async function runWatchLoop(options: WatchLoopOptions): Promise<void> {
  const { signal, handlers } = options;
  const backoff = options.backoff ?? { initialMs: 1_000, maxMs: 30_000 };
  let resourceVersion = options.resourceVersion;
  let delayMs = backoff.initialMs;

  while (!signal.aborted) {
    let outcome: WatchOutcome;
    let progressed = false;
    let started = Date.now();
    try {
      if (resourceVersion === undefined) {
        const list = await options.list();
        if (signal.aborted) return;
        resourceVersion = list.resourceVersion;
        handlers.onSnapshot(list.items, resourceVersion);
        progressed = true;
      }
      const from = resourceVersion;
      started = Date.now();
      outcome = await watchOnce(options, from, (rv) => {
        resourceVersion = rv;
        progressed = true;
      });
    } catch (err) {
      outcome = { kind: "failed", error: toKubeError(err) };
    }
    if (signal.aborted) return;
    if (progressed) delayMs = backoff.initialMs;

    if (outcome.kind === "expired") {
      resourceVersion = undefined; // 410 Gone: the start point is compacted away; relist.
      continue;
    }
    const healthy = progressed || Date.now() - started >= (options.minHealthyWatchMs ?? 5_000);
    if (outcome.kind === "ended" && healthy) continue;
    const error =
      outcome.kind === "failed"
        ? outcome.error
        : new KubeConnectionError("watch ended without any event");
    if (error instanceof KubeApiError && FATAL_STATUSES.has(error.status)) {
      handlers.onFatal(error);
      return;
    }
    handlers.onRetry?.(error, delayMs);
    await sleep(delayMs, signal);
    delayMs = Math.min(delayMs * 2, backoff.maxMs);
  }
}

/** One watch request from `resourceVersion`; resolves when it ends, never rejects. */
function watchOnce(
  options: WatchLoopOptions,
  resourceVersion: string,
  onProgress: (resourceVersion: string) => void,
): Promise<WatchOutcome> {
  const { signal, handlers } = options;
  return new Promise<WatchOutcome>((resolve) => {
    let controller: AbortController | undefined;
    let decided: WatchOutcome | undefined;
    const stop = (outcome?: WatchOutcome) => {
      decided ??= outcome;
      controller?.abort();
    };
    // Aborting settles at once: the request may still be waiting for response headers, before
    // client-node has handed out its AbortController (it is aborted when it arrives).
    const onAbort = () => {
      stop({ kind: "ended" });
      resolve({ kind: "ended" });
    };
    signal.addEventListener("abort", onAbort, { once: true });
    const finish = (err: unknown) => {
      signal.removeEventListener("abort", onAbort);
      if (decided) return resolve(decided);
      // null: the server closed the stream; TimeoutError: client-node's 30 s inactivity abort.
      if (err === null || err === undefined) return resolve({ kind: "ended" });
      if (err instanceof Error && err.name === "TimeoutError") return resolve({ kind: "ended" });
      const error = toKubeError(err);
      if (error instanceof KubeApiError && error.status === 410) {
        return resolve({ kind: "expired" });
      }
      resolve({ kind: "failed", error });
    };
    const onEvent = (type: string, object: unknown) => {
      if (decided) return;
      if (type === "ERROR") {
        const error = kubeApiErrorFrom(statusCodeOf(object), object);
        return stop(error.status === 410 ? { kind: "expired" } : { kind: "failed", error });
      }
      const parsed = ObjectWithVersionSchema.safeParse(object);
      if (!parsed.success) return;
      const rv = parsed.data.metadata.resourceVersion;
      onProgress(rv);
      if (type === "BOOKMARK") handlers.onBookmark(rv);
      else if (type === "ADDED" || type === "MODIFIED" || type === "DELETED") {
        handlers.onChange(type, object, rv);
      }
    };
    const params = {
      ...options.params,
      resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: options.timeoutSeconds ?? 25,
    };
    options.watcher.watch(options.path, params, onEvent, finish).then(
      (c) => {
        controller = c;
        if (decided || signal.aborted) c.abort();
        else handlers.onEstablished?.();
      },
      (err: unknown) => finish(err),
    );
  });
}

/** The HTTP code of an in-stream ERROR event's `metav1.Status` (500 when absent). */
function statusCodeOf(object: unknown): number {
  const parsed = z.object({ code: z.int() }).safeParse(object);
  return parsed.success ? parsed.data.code : 500;
}
