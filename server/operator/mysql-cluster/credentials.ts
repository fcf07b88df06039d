import "server-only";
import type { V1Secret } from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";
import { createReplicationContext, type ReplicationContext } from "@/server/mysql";
import type { ClusterApi } from "./api";
import { ADMIN_USER, CREDENTIAL_KEYS, REPLICATION_USER, ownedNames } from "./names";
import { SEMI_SYNC_TIMEOUT_SECONDS } from "./my-cnf";
import { credentialsSecret } from "./resources";

/** The passwords the operator uses on a cluster's servers (plain text; never log them). */
export interface ClusterCredentials {
  rootPassword: string;
  replicationPassword: string;
}

function decoded(secret: V1Secret, key: string): string | undefined {
  const value = secret.data?.[key];
  return value === undefined ? undefined : Buffer.from(value, "base64").toString("utf8");
}

/**
 * Makes sure the cluster's credentials Secret exists with both passwords and returns them. A new
 * Secret gets two fresh passwords; an existing one is never changed, except that a missing
 * `replication-password` (Secrets made before replication, or by a user who supplied only the
 * root password) is generated once and added.
 *
 * @throws KubeApiError when the Secret cannot be read, created or patched; Error when the Secret
 *   exists without a root password (a user's mistake that no retry fixes).
 */
export async function ensureCredentials(
  api: ClusterApi,
  cluster: MySQLCluster,
  newPassword: () => string,
  logger: Logger,
): Promise<ClusterCredentials> {
  const namespace = cluster.metadata.namespace ?? "";
  const name = ownedNames(cluster.metadata.name).credentialsSecret;
  let secret = await api.readSecret(namespace, name);
  if (!secret) {
    const created = await api.createSecretIfAbsent(namespace, name, () =>
      credentialsSecret(cluster, { root: newPassword(), replication: newPassword() }),
    );
    if (created === "created") logger.info({ namespace, secret: name }, "created credentials");
    secret = await api.readSecret(namespace, name);
    if (!secret) throw new Error(`Secret ${namespace}/${name} vanished right after its creation`);
  }
  const rootPassword = decoded(secret, CREDENTIAL_KEYS.rootPassword);
  if (!rootPassword) {
    throw new Error(`Secret ${namespace}/${name} has no ${CREDENTIAL_KEYS.rootPassword} key`);
  }
  let replicationPassword = decoded(secret, CREDENTIAL_KEYS.replicationPassword);
  if (!replicationPassword) {
    replicationPassword = newPassword();
    await api.patchSecretData(namespace, name, {
      [CREDENTIAL_KEYS.replicationPassword]: replicationPassword,
    });
    logger.info({ namespace, secret: name }, "added the replication password");
  }
  return { rootPassword, replicationPassword };
}

/**
 * The database-level context for one cluster: its engine, the operator's admin account (root),
 * the replication account, semi-sync AFTER_SYNC on, short connect timeouts (an unreachable
 * server must not hold a reconcile for long) and fast replica reconnects.
 */
export function clusterReplicationContext(
  cluster: MySQLCluster,
  credentials: ClusterCredentials,
  logger: Logger,
): ReplicationContext {
  return createReplicationContext(
    {
      engine: cluster.spec.engine,
      admin: { user: ADMIN_USER, password: credentials.rootPassword },
      replication: { user: REPLICATION_USER, password: credentials.replicationPassword },
      semiSync: { enabled: true, timeoutSeconds: SEMI_SYNC_TIMEOUT_SECONDS },
      connectTimeoutSeconds: 3,
      connectRetrySeconds: 2,
    },
    logger.child({ namespace: cluster.metadata.namespace, cluster: cluster.metadata.name }),
  );
}
