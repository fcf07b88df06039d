import "server-only";
import { getConfig } from "../config";
import { moduleLogger } from "../log";
import { RefreshCoordinator } from "./refresh-coordinator";
import type { RefreshedTokens } from "./refresh-result";

const log = moduleLogger("auth/refresh-replicas");

/**
 * This process's {@link RefreshCoordinator}, on the dashboard's own kubeconfig and
 * `NEXTAUTH_SECRET`. Kept on `globalThis` because Next.js bundles the proxy and the route
 * handlers separately and both refresh sessions: one replica, one coordinator identity.
 */
const KEY = Symbol.for("pilothouse.auth.refresh-coordinator");
const holder = globalThis as typeof globalThis & { [KEY]?: Promise<RefreshCoordinator | null> };

async function create(
  redeem: (refreshToken: string) => Promise<RefreshedTokens>,
): Promise<RefreshCoordinator | null> {
  try {
    const config = getConfig();
    // Loaded on the first refresh: the Kubernetes client stays out of the proxy's start-up.
    const { kubeRefreshLeaseStoreFromFile } = await import("./refresh-lease-store");
    return new RefreshCoordinator({
      store: kubeRefreshLeaseStoreFromFile(config.kubeconfigPath),
      redeem,
      sessionSecret: config.sessionSecret,
      log,
    });
  } catch (err) {
    log.warn({ err }, "no coordination store: each replica refreshes on its own");
    return null;
  }
}

/**
 * Redeems `refreshToken` once across every dashboard replica (see `refresh-coordinator.ts`), or
 * in this process alone when the dashboard's kubeconfig cannot be loaded (logged once).
 *
 * @param redeem - the token endpoint call (`requestRefresh`).
 * @throws as {@link RefreshCoordinator.refresh}.
 */
export async function refreshAcrossReplicas(
  refreshToken: string,
  redeem: (refreshToken: string) => Promise<RefreshedTokens>,
): Promise<RefreshedTokens> {
  const shared = await (holder[KEY] ??= create(redeem));
  return shared ? shared.refresh(refreshToken) : redeem(refreshToken);
}
