import "server-only";
import type {
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  Watch,
} from "@kubernetes/client-node";
import { HttpMethod, KubeConfig, RequestContext } from "@kubernetes/client-node";
import { Agent, type Dispatcher } from "undici";
import type { UserIdentity } from "../auth/identity";
import { getConfig } from "../config";
import { impersonationInterceptor } from "./impersonation";
import { PassthroughKubeClientFactory } from "./passthrough";
import { sessionIdToken } from "./passthrough-session";
import { userClientsFrom } from "./user-clients";

/** Timeout of one non-watch request to the apiserver, in milliseconds. */
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * A KubeConfig that sends every request — from the generated APIs and from `Watch`, which
 * ignores middleware — as one user: it keeps the dashboard's own credentials (token or client
 * certificate, which only allow impersonation) and routes the request through a dispatcher that
 * adds the impersonation headers on the wire.
 */
class ImpersonatingKubeConfig extends KubeConfig {
  constructor(
    base: KubeConfig,
    private readonly dispatcher: Dispatcher,
  ) {
    super();
    this.loadFromOptions({
      clusters: base.clusters,
      users: base.users,
      contexts: base.contexts,
      currentContext: base.currentContext,
    });
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    context.setDispatcher(this.dispatcher);
    if (!context.getSignal()) context.setSignal(AbortSignal.timeout(REQUEST_TIMEOUT_MS));
  }
}

/** The Kubernetes APIs, acting as one user. */
export interface UserKubeClients {
  identity: UserIdentity;
  customObjects: CustomObjectsApi;
  authorization: AuthorizationV1Api;
  authentication: AuthenticationV1Api;
  /** Built-in core objects (pods, Events) as the user. */
  core: CoreV1Api;
  /** For watches; loop over it (see `watch-loop.ts`), it gives up after 30 s without data. */
  watch: Watch;
}

/** Creates per-user clients from the dashboard's own kubeconfig. */
export class KubeClientFactory {
  private constructor(
    private readonly base: KubeConfig,
    private readonly transport: Dispatcher,
  ) {}

  /**
   * Loads a kubeconfig and prepares one shared connection pool (TLS settings from the
   * kubeconfig) for every user.
   *
   * @param kubeconfigPath - path of a kubeconfig whose identity may impersonate users and groups.
   * @throws Error when the file cannot be read or has no current cluster.
   */
  static async fromFile(kubeconfigPath: string): Promise<KubeClientFactory> {
    const base = new KubeConfig();
    base.loadFromFile(kubeconfigPath);
    const cluster = base.getCurrentCluster();
    if (!cluster) throw new Error(`kubeconfig ${kubeconfigPath} has no current cluster`);
    // client-node builds the TLS dispatcher (CA, client certificate) while applying auth; take it
    // once so that every user shares one pool of connections.
    const probe = new RequestContext(cluster.server, HttpMethod.GET);
    await base.applySecurityAuthentication(probe);
    return new KubeClientFactory(base, probe.getDispatcher() ?? new Agent());
  }

  /** The apiserver URL, e.g. `https://127.0.0.1:6443`. */
  get server(): string {
    return this.base.getCurrentCluster()?.server ?? "";
  }

  /**
   * Clients that act as `identity`: `Impersonate-User` and one `Impersonate-Group` per group.
   *
   * @see https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation
   */
  forUser(identity: UserIdentity): UserKubeClients {
    const kc = new ImpersonatingKubeConfig(
      this.base,
      this.transport.compose(impersonationInterceptor(identity)),
    );
    return userClientsFrom(kc, identity);
  }
}

let factory: Promise<KubeClientFactory> | undefined;

/**
 * The process's factory, from `PILOTHOUSE_DASHBOARD_KUBECONFIG`.
 *
 * @throws Error when the configuration or the kubeconfig is invalid.
 */
export function getKubeClientFactory(): Promise<KubeClientFactory> {
  factory ??= KubeClientFactory.fromFile(getConfig().kubeconfigPath);
  factory.catch(() => (factory = undefined));
  return factory;
}

let passthroughFactory: Promise<PassthroughKubeClientFactory> | undefined;

/**
 * Clients acting as `identity`, for route handlers. With `PILOTHOUSE_KUBE_AUTH=passthrough` they
 * send the session's ID token instead (read now, from the current request's session cookie;
 * checked for expiry before every request, see passthrough.ts).
 *
 * @throws Error when the dashboard's kubeconfig is invalid; in passthrough mode
 *   `PassthroughTokenMissingError` (`statusCode` 401) when the session has no ID token.
 */
export async function kubeForUser(identity: UserIdentity): Promise<UserKubeClients> {
  const config = getConfig();
  if (config.kubeAuth === "passthrough") {
    passthroughFactory ??= PassthroughKubeClientFactory.fromFile(config.kubeconfigPath);
    passthroughFactory.catch(() => (passthroughFactory = undefined));
    const idToken = await sessionIdToken();
    return (await passthroughFactory).forUser(identity, () => idToken);
  }
  return (await getKubeClientFactory()).forUser(identity);
}
