import "server-only";
import type { z } from "zod";
import { WATCH_EVENT } from "@/lib/api/watch-events";
import { toApiError } from "../api/errors";
import { formatSseEvent } from "../api/sse";
import { moduleLogger } from "../log";
import type { KubeApiError } from "./errors";
import { runWatchLoop, type ChangeType, type WatchStarter } from "./watch-loop";

/**
 * One upstream Kubernetes watch of one (kind, namespace), shared by every subscriber of a
 * dashboard process: it keeps the collection's current objects (to answer a new subscriber with
 * a snapshot without a second list) and a bounded ring of the latest events (to resume a
 * reconnecting browser from its `Last-Event-ID` by replay), and writes each event as one SSE
 * frame, formatted once and sent to every subscriber whose `name` filter it passes.
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
 */

const log = moduleLogger("kube/watch-hub");

/** One browser stream. `send` writes one SSE frame; `close` ends the stream. */
export interface Subscriber {
  /** Only this object (detail view); else the whole namespace. */
  name?: string;
  send: (frame: string) => void;
  close: () => void;
}

/** The state of the upstream watch, as `status` events tell it. */
export type UpstreamPhase =
  | { state: "connecting" }
  | { state: "live" }
  | { state: "reconnecting"; since: string; reason: string };

interface RingEntry {
  /** The resourceVersion: the SSE event id. */
  id: string;
  /** The object the event is about; `undefined` for bookmarks (they concern every subscriber). */
  name?: string;
  /** The formatted frame; absent on the snapshot marker that starts the ring. */
  frame?: string;
}

export interface UpstreamOptions {
  watcher: WatchStarter;
  /** Collection path, e.g. `/apis/mysql.pilothouse.dev/v1alpha1/namespaces/demo/mysqlclusters`. */
  path: string;
  list: () => Promise<{ items: unknown[]; resourceVersion: string }>;
  /** Parses one object of the kind; objects it rejects are left out (and logged). */
  schema: z.ZodType;
  /** Events kept for resumes. */
  ringSize: number;
  /** Called once the loop has stopped for good (fatal error) so the hub forgets it. */
  onStopped(): void;
  watchTimeoutSeconds?: number;
  backoff?: { initialMs: number; maxMs: number };
}

interface NamedObject {
  metadata: { name: string };
}

export class Upstream {
  private readonly subscribers = new Set<Subscriber>();
  /** Subscribers that joined before the first list: they get it when it arrives. */
  private readonly waiting = new Map<Subscriber, string | undefined>();
  private readonly objects = new Map<string, NamedObject>();
  private ring: RingEntry[] = [];
  private resourceVersion: string | undefined;
  private phase: UpstreamPhase = { state: "connecting" };
  private fatal: string | undefined;
  private readonly abort = new AbortController();
  /** Watch requests the loop has had accepted (one per ~25 s while healthy). */
  watchRequests = 0;

  constructor(private readonly options: UpstreamOptions) {}

  /** Starts the list-then-watch loop; it runs until {@link stop}. */
  start(): void {
    const o = this.options;
    void runWatchLoop({
      watcher: o.watcher,
      path: o.path,
      list: o.list,
      signal: this.abort.signal,
      timeoutSeconds: o.watchTimeoutSeconds,
      backoff: o.backoff,
      handlers: {
        onSnapshot: (items, rv) => this.onSnapshot(items, rv),
        onChange: (type, object, rv) => this.onChange(type, object, rv),
        onBookmark: (rv) => this.push({ id: rv, frame: bookmarkFrame(rv) }),
        onEstablished: () => {
          this.watchRequests += 1;
          this.setPhase({ state: "live" });
        },
        onRetry: (error, delayMs) => {
          log.warn({ err: error, delayMs, path: o.path }, "upstream watch interrupted; retrying");
          if (this.phase.state === "reconnecting") return;
          const reason = toApiError(error).body.error.message;
          this.setPhase({ state: "reconnecting", since: new Date().toISOString(), reason });
        },
        onFatal: (error) => this.onFatal(error),
      },
    });
  }

  /** Ends the upstream watch; subscribers still attached are closed. */
  stop(): void {
    this.abort.abort();
    for (const sub of [...this.subscribers, ...this.waiting.keys()]) sub.close();
    this.subscribers.clear();
    this.waiting.clear();
  }

  get subscriberCount(): number {
    return this.subscribers.size + this.waiting.size;
  }

  /**
   * Attaches a subscriber: it gets the upstream's state, then either the events after
   * `lastEventId` (when still in the ring) or a snapshot, then every new event.
   */
  add(sub: Subscriber, lastEventId: string | undefined): void {
    if (this.fatal !== undefined) {
      sub.send(this.fatal);
      sub.close();
      return;
    }
    sub.send(statusFrame(this.phase));
    if (this.resourceVersion === undefined) this.waiting.set(sub, lastEventId);
    else this.catchUp(sub, lastEventId);
  }

  remove(sub: Subscriber): void {
    this.subscribers.delete(sub);
    this.waiting.delete(sub);
  }

  private catchUp(sub: Subscriber, lastEventId: string | undefined): void {
    const at = lastEventId === undefined ? -1 : this.ring.findIndex((e) => e.id === lastEventId);
    if (at >= 0) {
      for (const entry of this.ring.slice(at + 1)) this.deliver(sub, entry);
    } else {
      sub.send(this.snapshotFrame(sub.name));
    }
    this.subscribers.add(sub);
  }

  private onSnapshot(items: unknown[], rv: string): void {
    this.objects.clear();
    for (const item of items) {
      const parsed = this.parse(item);
      if (parsed) this.objects.set(parsed.metadata.name, parsed);
    }
    this.resourceVersion = rv;
    // A (re)list: nothing before it can be replayed; resumes from older ids get a snapshot.
    this.ring = [{ id: rv }];
    const whole = this.snapshotFrame(undefined);
    for (const sub of this.subscribers) sub.send(sub.name ? this.snapshotFrame(sub.name) : whole);
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const [sub, lastEventId] of waiting) this.catchUp(sub, lastEventId);
  }

  private onChange(type: ChangeType, object: unknown, rv: string): void {
    const parsed = this.parse(object);
    if (!parsed) {
      // Left out, but the position still moves past it, so a resume does not replay it.
      this.push({ id: rv, frame: bookmarkFrame(rv) });
      return;
    }
    const { name } = parsed.metadata;
    if (type === "DELETED") this.objects.delete(name);
    else this.objects.set(name, parsed);
    const data = { type, object: parsed };
    this.push({ id: rv, name, frame: formatSseEvent({ id: rv, event: WATCH_EVENT.change, data }) });
  }

  private onFatal(error: KubeApiError): void {
    log.error({ err: error, path: this.options.path }, "upstream watch stopped");
    this.fatal = formatSseEvent({ event: WATCH_EVENT.streamError, data: toApiError(error).body });
    for (const sub of [...this.subscribers, ...this.waiting.keys()]) {
      sub.send(this.fatal);
      sub.close();
    }
    this.subscribers.clear();
    this.waiting.clear();
    this.options.onStopped();
  }

  private push(entry: RingEntry): void {
    this.resourceVersion = entry.id;
    this.ring.push(entry);
    if (this.ring.length > this.options.ringSize) this.ring.shift();
    for (const sub of this.subscribers) this.deliver(sub, entry);
  }

  private deliver(sub: Subscriber, entry: RingEntry): void {
    if (!entry.frame) return;
    if (sub.name !== undefined && entry.name !== undefined && entry.name !== sub.name) return;
    sub.send(entry.frame);
  }

  private setPhase(phase: UpstreamPhase): void {
    if (phase.state === this.phase.state) return;
    this.phase = phase;
    const frame = statusFrame(phase);
    for (const sub of [...this.subscribers, ...this.waiting.keys()]) sub.send(frame);
  }

  private snapshotFrame(name: string | undefined): string {
    const rv = this.resourceVersion ?? "";
    const items =
      name === undefined
        ? [...this.objects.values()]
        : [this.objects.get(name)].filter((o) => o !== undefined);
    items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    return formatSseEvent({
      id: rv,
      event: WATCH_EVENT.snapshot,
      data: { resourceVersion: rv, items },
    });
  }

  private parse(object: unknown): NamedObject | undefined {
    const parsed = this.options.schema.safeParse(object);
    if (parsed.success && hasName(parsed.data)) return parsed.data;
    log.warn({ path: this.options.path, issues: parsed.error?.issues }, "object left out");
    return undefined;
  }
}

function hasName(value: unknown): value is NamedObject {
  const meta = (value as { metadata?: { name?: unknown } } | null)?.metadata;
  return typeof meta?.name === "string";
}

const bookmarkFrame = (rv: string) =>
  formatSseEvent({ id: rv, event: WATCH_EVENT.bookmark, data: { resourceVersion: rv } });

/** `status` frames carry no id: a status is not a position. */
function statusFrame(phase: UpstreamPhase): string {
  if (phase.state === "reconnecting") {
    return formatSseEvent({ event: WATCH_EVENT.status, data: phase });
  }
  // Connecting: not yet live; the UI stays "Connecting…" until `live`.
  if (phase.state === "connecting") return ": connecting\n\n";
  return formatSseEvent({ event: WATCH_EVENT.status, data: { state: "live" } });
}
