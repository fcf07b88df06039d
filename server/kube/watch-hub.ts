import "server-only";
import { z } from "zod";
import { WATCH_EVENT } from "@/lib/api/watch-events";
import type { KindInfo } from "@/lib/api/kinds";
import type { UserIdentity } from "../auth/identity";
import { formatSseEvent } from "../api/sse";
import { getConfig } from "../config";
import { moduleLogger } from "../log";
import { kubeForUser, type UserKubeClients } from "./client";
import { toKubeError } from "./errors";
import { ownCredentialsClients } from "./passthrough";
import { cachedAccessChecker, type AccessChecker, type AccessDecision } from "./watch-hub-access";
import { Upstream, type Subscriber } from "./watch-hub-upstream";

/**
 * The shared watch hub of one dashboard process: ONE upstream Kubernetes watch per (kind,
 * namespace), however many browsers watch it, fanned out to each of them.
 *
 * Identity. The upstream watches as a dedicated read-only identity, the ServiceAccount
 * `pilothouse-dashboard-watch` (ClusterRole `pilothouse-dashboard-watch`: get/list/watch on
 * Pilothouse's kinds, nothing else; see deploy/rbac/dashboard.yaml), and the hub decides for
 * every subscriber whether that user may `list` and `watch` the collection
 * (SelfSubjectAccessReviews as the user, cached briefly), at subscription and again every
 * {@link WatchHubOptions.recheckMs} while the stream is open, so a user whose RoleBinding is
 * removed loses the stream within a re-check.
 *
 * - Impersonation mode (default): the dashboard's own ServiceAccount may only impersonate, so the
 *   upstream impersonates `pilothouse-dashboard-watch`; reviews impersonate the user.
 * - Token passthrough (`PILOTHOUSE_KUBE_AUTH=passthrough`): the dashboard may have no
 *   impersonation rights at all. The upstream then uses a token of `pilothouse-dashboard-watch`
 *   itself (`PILOTHOUSE_WATCH_KUBECONFIG`; without it, the dashboard's own kubeconfig, which must
 *   then hold the same read rights) as it is, with no impersonation headers; user requests never
 *   carry it.
 *   Reviews go with the user's own ID token, taken from the request that opened the stream
 *   (re-checks reuse it; a re-check refused with 401 because that token expired ends the stream
 *   with an `Unauthorized` stream-error, so the browser reconnects with the refreshed session).
 *
 * Lifecycle. The upstream starts with the first subscriber and stops `lingerMs` after the last
 * one leaves (a page reload or a reconnect through another replica does not restart it).
 */

const log = moduleLogger("kube/watch-hub");

/** The identity the hub watches as (impersonated; read-only on Pilothouse's kinds). */
export const WATCH_HUB_IDENTITY: UserIdentity = {
  username: "system:serviceaccount:pilothouse-system:pilothouse-dashboard-watch",
  groups: [],
  email: "",
  name: "pilothouse-dashboard-watch",
};

export interface WatchHubOptions {
  /** Clients acting as a user (each subscriber's; by default also the hub's own identity). */
  clientsFor(user: UserIdentity): Promise<UserKubeClients>;
  /**
   * Clients of the hub's read-only identity, for the upstream list and watch; default:
   * `clientsFor(WATCH_HUB_IDENTITY)` (impersonation). Passthrough mode passes the dashboard's own
   * credentials here.
   */
  upstreamClients?: () => Promise<UserKubeClients>;
  /** Decides per subscriber; see `watch-hub-access.ts`. */
  checkAccess: AccessChecker;
  /** Re-check of an open subscription, in milliseconds. */
  recheckMs?: number;
  /** How long an upstream without subscribers is kept, in milliseconds. */
  lingerMs?: number;
  /** Events kept per upstream for `Last-Event-ID` resumes. */
  ringSize?: number;
  /** Server-side lifetime of one upstream watch request, in seconds. */
  watchTimeoutSeconds?: number;
}

export interface Subscription {
  kind: KindInfo;
  namespace: string;
  name?: string;
  user: UserIdentity;
  /** Resume after this resourceVersion (the `Last-Event-ID`, or a client's list). */
  lastEventId?: string;
  /** Writes one SSE frame. */
  send: (frame: string) => void;
  /** Ends the subscription (the browser left). */
  signal: AbortSignal;
  /**
   * The subscriber's own clients for the re-checks (passthrough: bound to the user's ID token);
   * default: `clientsFor(user)`, called once when the subscription starts.
   */
  asUser?: UserKubeClients;
}

const RawListSchema = z.object({
  items: z.array(z.unknown()),
  metadata: z.object({ resourceVersion: z.string().optional() }).optional(),
});

interface Entry {
  upstream: Upstream;
  linger?: ReturnType<typeof setTimeout>;
}

export class WatchHub {
  private readonly upstreams = new Map<string, Entry>();
  /** Upstream watches started since the hub was created (a metric for tests and benchmarks). */
  upstreamsStarted = 0;

  constructor(private readonly options: WatchHubOptions) {}

  /**
   * Whether `user` may watch the collection (cached).
   *
   * @throws KubeApiError or KubeConnectionError when the review itself fails.
   */
  authorize(
    user: UserIdentity,
    kind: KindInfo,
    namespace: string,
    asUser?: Promise<UserKubeClients>,
  ): Promise<AccessDecision> {
    const ref = { group: kind.group, resource: kind.plural, namespace };
    return this.options.checkAccess(user, ref, asUser);
  }

  /**
   * Streams the collection to one subscriber until its signal aborts, its access is revoked
   * (a `stream-error` 403 is sent first) or the upstream stops for good. Call {@link authorize}
   * first. Never rejects.
   */
  async subscribe(sub: Subscription): Promise<void> {
    if (sub.signal.aborted) return;
    const key = `${sub.kind.plural}/${sub.namespace}`;
    const entry = this.upstreamFor(key, sub.kind, sub.namespace);
    // Resolved now, while the request that opened the stream (and its session) is current.
    const asUser = sub.asUser ? Promise.resolve(sub.asUser) : this.options.clientsFor(sub.user);
    asUser.catch(() => undefined);
    await new Promise<void>((resolve) => {
      const member: Subscriber = { name: sub.name, send: sub.send, close: () => done() };
      const recheck = setInterval(() => void this.recheck(sub, asUser, done), this.recheckMs);
      function done() {
        clearInterval(recheck);
        sub.signal.removeEventListener("abort", done);
        entry.upstream.remove(member);
        resolve();
      }
      sub.signal.addEventListener("abort", done, { once: true });
      clearTimeout(entry.linger);
      entry.linger = undefined;
      entry.upstream.add(member, sub.lastEventId);
    });
    this.release(key, entry);
  }

  /** Open upstream watches (one per (kind, namespace) with subscribers or lingering). */
  get upstreamCount(): number {
    return this.upstreams.size;
  }

  /** Subscribers across all upstreams. */
  get subscriberCount(): number {
    let n = 0;
    for (const { upstream } of this.upstreams.values()) n += upstream.subscriberCount;
    return n;
  }

  /** Stops every upstream (tests; process shutdown). */
  close(): void {
    for (const [key, entry] of this.upstreams) {
      clearTimeout(entry.linger);
      entry.upstream.stop();
      this.upstreams.delete(key);
    }
  }

  private get recheckMs() {
    return this.options.recheckMs ?? 30_000;
  }

  private async recheck(
    sub: Subscription,
    asUser: Promise<UserKubeClients>,
    done: () => void,
  ): Promise<void> {
    let decision: AccessDecision;
    try {
      decision = await this.authorize(sub.user, sub.kind, sub.namespace, asUser);
    } catch (err) {
      if (isUnauthorized(err) && !sub.signal.aborted) {
        // The user's credential (passthrough: the ID token) expired: reconnecting re-authorizes.
        sub.send(formatSseEvent({ event: WATCH_EVENT.streamError, data: UNAUTHORIZED_BODY }));
        done();
        return;
      }
      // A review that fails (apiserver down) is not a refusal; the next re-check decides.
      log.warn({ err, user: sub.user.username }, "access re-check failed");
      return;
    }
    if (decision.allowed || sub.signal.aborted) return;
    log.info({ user: sub.user.username, namespace: sub.namespace }, "access revoked; stream ends");
    const body = { error: { code: "Forbidden", message: decision.reason, causes: [] } };
    sub.send(formatSseEvent({ event: WATCH_EVENT.streamError, data: body }));
    done();
  }

  private upstreamFor(key: string, kind: KindInfo, namespace: string): Entry {
    const existing = this.upstreams.get(key);
    if (existing) return existing;
    const path = `/apis/${kind.group}/${kind.version}/namespaces/${namespace}/${kind.plural}`;
    const clients = this.options.upstreamClients?.() ?? this.options.clientsFor(WATCH_HUB_IDENTITY);
    const upstream = new Upstream({
      watcher: { watch: async (...args) => (await clients).watch.watch(...args) },
      path,
      schema: kind.schema,
      ringSize: this.options.ringSize ?? 1_000,
      watchTimeoutSeconds: this.options.watchTimeoutSeconds,
      list: async () => {
        try {
          const kube = await clients;
          const raw: unknown = await kube.customObjects.listNamespacedCustomObject({
            group: kind.group,
            version: kind.version,
            plural: kind.plural,
            namespace,
          });
          const list = RawListSchema.parse(raw);
          return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? "" };
        } catch (err) {
          throw toKubeError(err, { namespace });
        }
      },
      onStopped: () => {
        if (this.upstreams.get(key)?.upstream === upstream) this.upstreams.delete(key);
      },
    });
    const entry: Entry = { upstream };
    this.upstreams.set(key, entry);
    this.upstreamsStarted += 1;
    log.info({ path }, "upstream watch started");
    upstream.start();
    return entry;
  }

  private release(key: string, entry: Entry): void {
    if (entry.upstream.subscriberCount > 0 || entry.linger) return;
    if (this.upstreams.get(key) !== entry) return;
    entry.linger = setTimeout(() => {
      if (entry.upstream.subscriberCount > 0) return;
      entry.upstream.stop();
      this.upstreams.delete(key);
      log.info({ key }, "upstream watch stopped: no subscribers");
    }, this.options.lingerMs ?? 10_000);
  }
}

const UNAUTHORIZED_BODY = {
  error: {
    code: "Unauthorized",
    message: "Your credential has expired: reconnect to re-authorize.",
    causes: [],
  },
};

const isUnauthorized = (err: unknown) => (err as { status?: unknown } | null)?.status === 401;

const HUB_KEY = Symbol.for("pilothouse.watchHub");

/**
 * The process's hub, over the dashboard's kubeconfig. Kept on `globalThis` so that every route
 * bundle of the Next.js server shares one hub (and so one upstream watch per collection).
 * In passthrough mode the upstream uses the watch kubeconfig's own (read-only) credentials.
 */
export function getWatchHub(): WatchHub {
  const store = globalThis as { [HUB_KEY]?: WatchHub };
  if (!store[HUB_KEY]) {
    const config = getConfig();
    let own: UserKubeClients | undefined;
    store[HUB_KEY] = new WatchHub({
      clientsFor: kubeForUser,
      upstreamClients:
        config.kubeAuth === "passthrough"
          ? () => {
              own ??= ownCredentialsClients(
                config.watchKubeconfigPath ?? config.kubeconfigPath,
                WATCH_HUB_IDENTITY,
              );
              return Promise.resolve(own);
            }
          : undefined,
      checkAccess: cachedAccessChecker(kubeForUser),
    });
  }
  return store[HUB_KEY];
}
