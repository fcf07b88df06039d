import "server-only";
import { HttpMethod, KubeConfig, RequestContext } from "@kubernetes/client-node";
import { Agent, type Dispatcher } from "undici";
import type { UserIdentity } from "../auth/identity";
import type { UserKubeClients } from "./client";
import { headerPairsWithoutImpersonation } from "./impersonation";
import { usableToken } from "./passthrough-token";
import { userClientsFrom } from "./user-clients";

export {
  EXPIRY_SKEW_SECONDS,
  jwtExpiry,
  PassthroughTokenExpiredError,
  usableToken,
} from "./passthrough-token";

/**
 * Token passthrough: for clusters whose apiserver trusts the same OpenID issuer as the dashboard
 * (a JWT authenticator in its `--authentication-config`, audience = the dashboard's client id),
 * the user's kube clients send `Authorization: Bearer <the user's ID token>` and nothing else of
 * the dashboard's: no impersonation headers, no ServiceAccount token, no client certificate. The
 * apiserver authenticates the user itself and RBAC applies to the user name and groups it maps
 * from the token's claims.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/authentication/#using-authentication-configuration
 */

/** Timeout of one non-watch request to the apiserver, in milliseconds. */
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Where a user's current ID token comes from. Called before every request (watches reconnect
 * with it too), so a source backed by the session can hand out the refreshed token.
 */
export type IdTokenSource = () => string | Promise<string>;

/**
 * An undici interceptor that drops every `Impersonate-*` header: a passthrough request must act
 * only as the token's user.
 */
function withoutImpersonation(): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) =>
    dispatch({ ...opts, headers: headerPairsWithoutImpersonation(opts.headers) }, handler);
}

/** A KubeConfig whose only credential is the user's bearer token, checked for expiry per request. */
class BearerKubeConfig extends KubeConfig {
  constructor(
    base: KubeConfig,
    private readonly dispatcher: Dispatcher,
    private readonly idToken: IdTokenSource,
    private readonly now: () => number,
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
    const token = usableToken(await this.idToken(), this.now());
    await super.applySecurityAuthentication(context);
    context.setHeaderParam("Authorization", `Bearer ${token}`);
    context.setDispatcher(this.dispatcher);
    if (!context.getSignal()) context.setSignal(AbortSignal.timeout(REQUEST_TIMEOUT_MS));
  }
}

/** Creates per-user clients that pass the user's ID token through to the apiserver. */
export class PassthroughKubeClientFactory {
  private constructor(
    private readonly base: KubeConfig,
    private readonly transport: Dispatcher,
    private readonly now: () => number,
  ) {}

  /**
   * Takes only the current cluster of a kubeconfig (server URL and CA); its user and credentials
   * are ignored, so none of the dashboard's credentials can reach the apiserver.
   *
   * @param kubeconfigPath - any kubeconfig of the cluster, e.g. the dashboard's own.
   * @param now - the clock, epoch seconds (tests pass their own).
   * @throws Error when the file cannot be read or has no current cluster.
   */
  static async fromFile(
    kubeconfigPath: string,
    now: () => number = () => Math.floor(Date.now() / 1000),
  ): Promise<PassthroughKubeClientFactory> {
    const source = new KubeConfig();
    source.loadFromFile(kubeconfigPath);
    const cluster = source.getCurrentCluster();
    if (!cluster) throw new Error(`kubeconfig ${kubeconfigPath} has no current cluster`);
    const base = new KubeConfig();
    base.loadFromOptions({
      clusters: [cluster],
      users: [{ name: "passthrough" }],
      contexts: [{ name: "passthrough", cluster: cluster.name, user: "passthrough" }],
      currentContext: "passthrough",
    });
    // One pool of TLS connections (the cluster CA only, no client certificate) for every user.
    const probe = new RequestContext(cluster.server, HttpMethod.GET);
    await base.applySecurityAuthentication(probe);
    const transport = (probe.getDispatcher() ?? new Agent()).compose(withoutImpersonation());
    return new PassthroughKubeClientFactory(base, transport, now);
  }

  /** The apiserver URL, e.g. `https://127.0.0.1:6443`. */
  get server(): string {
    return this.base.getCurrentCluster()?.server ?? "";
  }

  /**
   * Clients that send `Authorization: Bearer <ID token>` as `identity` (the identity is only
   * for the dashboard's own use, e.g. audit logs; the apiserver takes the user from the token).
   * Every request first checks the token's `exp` and throws {@link PassthroughTokenExpiredError}
   * instead of forwarding an expired token.
   */
  forUser(identity: UserIdentity, idToken: IdTokenSource): UserKubeClients {
    const kc = new BearerKubeConfig(this.base, this.transport, idToken, this.now);
    return userClientsFrom(kc, identity);
  }
}

/**
 * Clients with a kubeconfig's OWN credentials as they are (token or client certificate, no
 * impersonation headers, no user token). In passthrough mode the watch hub's shared upstream
 * uses it with a token of the read-only ServiceAccount `pilothouse-dashboard-watch`
 * (`PILOTHOUSE_WATCH_KUBECONFIG`); every user request goes with the user's own ID token
 * ({@link PassthroughKubeClientFactory}).
 *
 * @param kubeconfigPath - e.g. the watch ServiceAccount's kubeconfig.
 * @param identity - a label for the dashboard's logs; the apiserver takes the identity from the
 *   kubeconfig's credentials.
 * @throws Error when the file cannot be read or has no current cluster.
 */
export function ownCredentialsClients(
  kubeconfigPath: string,
  identity: UserIdentity,
): UserKubeClients {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  if (!kc.getCurrentCluster())
    throw new Error(`kubeconfig ${kubeconfigPath} has no current cluster`);
  return userClientsFrom(kc, identity);
}
