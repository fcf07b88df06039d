import "server-only";
import type { Logger } from "pino";
import { setTimeout as sleep } from "node:timers/promises";
import { kubeStatus } from "./kube-api-error";
import { retryAfterMs, statusMessageOf } from "./retry-after";
import { WatchedObjectSchema, objectKey, type WatchedObject } from "./watched-object";

/** One list answer: the items and the list's resourceVersion (opaque; STYLE.md rule 8). */
export interface ListResult {
  items: unknown[];
  resourceVersion: string;
}

/** A watch event as the apiserver streams it (`ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK`, `ERROR`). */
export type WatchEventHandler = (type: string, object: unknown) => void;

/**
 * Where an informer reads from: one resource's list and watch endpoints.
 * `watch` resolves when the stream ends normally (server or client timeout) and rejects on a
 * failure; it must stop promptly when `signal` aborts.
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
 */
export interface ListWatchSource {
  list(): Promise<ListResult>;
  watch(resourceVersion: string, onEvent: WatchEventHandler, signal: AbortSignal): Promise<void>;
}

export type InformerEvent = "add" | "update" | "delete";
export type InformerHandler = (event: InformerEvent, object: WatchedObject) => void;

export interface InformerOptions {
  /** For logs, e.g. `mysqlclusters`. */
  name: string;
  source: ListWatchSource;
  logger: Logger;
  /** Delay before the first restart after a failure (ms); doubles up to `maxRetryDelayMs`. */
  baseRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /**
   * 429 answers in a row waited out quietly (debug log) before each one is logged as a warning:
   * a fresh CRD's watch cache answers 429 with `Retry-After: 1` for its first seconds.
   */
  quietThrottles?: number;
}

/** The longest Retry-After honoured (ms); a longer one is cut to this. */
const MAX_RETRY_AFTER_MS = 60_000;

/** A watch stream's in-band `ERROR` event (a `metav1.Status`). */
class WatchStatusError extends Error {
  constructor(
    readonly code: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

function statusOf(object: unknown): { code?: number; message?: string } {
  if (typeof object !== "object" || object === null) return {};
  const { code, message } = object as { code?: unknown; message?: unknown };
  return {
    code: typeof code === "number" ? code : undefined,
    message: typeof message === "string" ? message : undefined,
  };
}

function resourceVersionOf(object: unknown): string | undefined {
  if (typeof object !== "object" || object === null || !("metadata" in object)) return undefined;
  const { metadata } = object;
  if (typeof metadata !== "object" || metadata === null || !("resourceVersion" in metadata)) {
    return undefined;
  }
  return typeof metadata.resourceVersion === "string" ? metadata.resourceVersion : undefined;
}

/**
 * A list-then-watch cache of one resource that never gives up. Unlike client-node's informer,
 * which stops on any error but 410 until someone calls `start()` again, this one restarts after
 * every failure — list error, watch error, in-stream `ERROR` — with exponential backoff, relisting
 * so that no change is missed; a 410 Gone relists at once. Handlers see `add`, `update` and
 * `delete`; a relist reports only what differs from the cache.
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#410-gone-responses
 */
export class Informer {
  private readonly cache = new Map<string, WatchedObject>();
  private readonly handlers: InformerHandler[] = [];
  private readonly log: Logger;
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;
  private synced = false;
  private readonly syncWaiters: (() => void)[] = [];

  constructor(private readonly options: InformerOptions) {
    this.log = options.logger.child({ module: "informer", resource: options.name });
  }

  /** Registers a handler; call before {@link start} to see the initial list as `add`s. */
  onEvent(handler: InformerHandler): void {
    this.handlers.push(handler);
  }

  /** Starts listing and watching in the background; idempotent. */
  start(): void {
    this.running ??= this.run();
  }

  /** Stops watching and waits for the loop to end. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  /** True once the first list has been applied to the cache. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the first list has been applied to the cache. */
  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Every cached object. */
  list(): WatchedObject[] {
    return [...this.cache.values()];
  }

  private async run(): Promise<void> {
    const { baseRetryDelayMs = 1_000, maxRetryDelayMs = 30_000 } = this.options;
    const signal = this.stopping.signal;
    let resourceVersion = "";
    let failures = 0;
    let throttled = 0;
    while (!signal.aborted) {
      try {
        if (!resourceVersion) {
          const list = await this.options.source.list();
          this.replace(list.items);
          resourceVersion = list.resourceVersion;
          this.markSynced();
        }
        resourceVersion = await this.watchOnce(resourceVersion, signal);
        failures = 0;
        throttled = 0;
      } catch (error) {
        if (signal.aborted) break;
        resourceVersion = "";
        const gone =
          error instanceof WatchStatusError ? error.code === 410 : kubeStatus(error) === 410;
        if (gone) {
          this.log.debug("watch expired (410 Gone); relisting");
          continue;
        }
        const retryAfter = retryAfterMs(error);
        if (retryAfter !== undefined) {
          throttled += 1;
          await this.waitRetryAfter(error, retryAfter, throttled, signal);
          continue;
        }
        const delay = Math.min(baseRetryDelayMs * 2 ** failures, maxRetryDelayMs);
        failures += 1;
        this.log.warn({ err: error, retryInMs: delay, failures }, "list/watch failed; restarting");
        await sleep(delay, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /**
   * Waits what a 429 TooManyRequests asked for (plus up to 10 % jitter, so that the informers
   * started together do not come back together), without counting it as a failure: the
   * apiserver is shedding load or still filling its watch cache, and says when to come back.
   * The first `quietThrottles` in a row are logged at debug level, later ones as warnings.
   */
  private async waitRetryAfter(
    error: unknown,
    retryAfter: number,
    throttled: number,
    signal: AbortSignal,
  ): Promise<void> {
    const base = Math.min(retryAfter, MAX_RETRY_AFTER_MS);
    const delay = Math.round(base + base * 0.1 * Math.random());
    const fields = { status: 429, message: statusMessageOf(error), retryInMs: delay, throttled };
    if (throttled <= (this.options.quietThrottles ?? 10)) {
      this.log.debug(fields, "apiserver asked to retry later (429); waiting its Retry-After");
    } else {
      this.log.warn(fields, "apiserver keeps answering 429; waiting its Retry-After");
    }
    await sleep(delay, undefined, { signal }).catch(() => undefined);
  }

  /** Watches from `resourceVersion` until the stream ends; returns the last version seen. */
  private async watchOnce(resourceVersion: string, stop: AbortSignal): Promise<string> {
    let latest = resourceVersion;
    let failure: WatchStatusError | undefined;
    const abort = new AbortController();
    const onStop = () => abort.abort();
    stop.addEventListener("abort", onStop, { once: true });
    const onEvent: WatchEventHandler = (type, raw) => {
      if (failure) return;
      if (type === "ERROR") {
        const status = statusOf(raw);
        failure = new WatchStatusError(status.code, status.message ?? "watch error event");
        abort.abort();
        return;
      }
      if (type === "BOOKMARK") {
        // A bookmark carries only metadata.resourceVersion: where to resume.
        latest = resourceVersionOf(raw) ?? latest;
        return;
      }
      const parsed = WatchedObjectSchema.safeParse(raw);
      if (!parsed.success) {
        this.log.warn({ type, issues: parsed.error.issues }, "ignoring malformed watch event");
        return;
      }
      latest = parsed.data.metadata.resourceVersion ?? latest;
      if (type === "ADDED" || type === "MODIFIED") this.upsert(parsed.data);
      else if (type === "DELETED") this.remove(parsed.data);
    };
    try {
      await this.options.source.watch(resourceVersion, onEvent, abort.signal);
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    } finally {
      stop.removeEventListener("abort", onStop);
    }
    if (failure) throw failure;
    return latest;
  }

  private replace(items: unknown[]): void {
    const seen = new Set<string>();
    for (const item of items) {
      const parsed = WatchedObjectSchema.safeParse(item);
      if (!parsed.success) {
        this.log.warn({ issues: parsed.error.issues }, "ignoring malformed list item");
        continue;
      }
      seen.add(objectKey(parsed.data));
      this.upsert(parsed.data);
    }
    for (const [key, object] of this.cache) {
      if (!seen.has(key)) this.remove(object);
    }
  }

  private upsert(object: WatchedObject): void {
    const key = objectKey(object);
    const previous = this.cache.get(key);
    if (previous && previous.metadata.resourceVersion === object.metadata.resourceVersion) return;
    this.cache.set(key, object);
    this.emit(previous ? "update" : "add", object);
  }

  private remove(object: WatchedObject): void {
    if (this.cache.delete(objectKey(object))) this.emit("delete", object);
  }

  private emit(event: InformerEvent, object: WatchedObject): void {
    for (const handler of this.handlers) {
      try {
        handler(event, object);
      } catch (error) {
        this.log.error({ err: error, event }, "informer handler threw");
      }
    }
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    for (const resolve of this.syncWaiters.splice(0)) resolve();
  }
}
