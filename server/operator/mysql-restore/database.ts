import "server-only";
import type { V1Pod, V1Secret } from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { MySQLCluster, MySQLEngine } from "@/lib/crds/mysql-cluster";
import {
  createReplicationContext,
  dialectFor,
  instanceFromPod,
  type Statement,
} from "@/server/mysql";
import { statement } from "@/server/mysql/dialect-common";
import { withInstance } from "@/server/mysql/session";
import type { PodAddressResolver } from "../mysql-cluster/addresses";
import { ADMIN_USER, CREDENTIAL_KEYS, REPLICATION_USER, ownedNames } from "../mysql-cluster/names";

/**
 * The statements that stop client writes on a primary for a restore while the restore itself —
 * the admin account — can still write: MariaDB `read_only=ON` (accounts with READ ONLY ADMIN,
 * which root has, bypass it); MySQL `read_only=ON` with `super_read_only=OFF` (accounts with
 * CONNECTION_ADMIN / SUPER bypass `read_only`; `super_read_only` would block the restore too).
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/server-system-variables.html#sysvar_read_only
 * @see https://mariadb.com/kb/en/server-system-variables/#read_only
 */
export function stopWritesStatements(engine: MySQLEngine): Statement[] {
  if (engine === "mariadb") return dialectFor(engine).setReadOnly(true);
  return [
    statement("super-read-only-off", "SET GLOBAL super_read_only = OFF"),
    statement("read-only", "SET GLOBAL read_only = ON"),
  ];
}

/** The statements that open a primary for writes again (the engine's own read-only off). */
export function allowWritesStatements(engine: MySQLEngine): Statement[] {
  return dialectFor(engine).setReadOnly(false);
}

/** Switches client writes off and on at a cluster's primary. */
export interface PrimaryWrites {
  /**
   * Runs `statements` on the cluster's primary (`status.primary`, else ordinal 0) as the admin
   * account. Returns the primary's pod name.
   *
   * @throws Error when the primary's pod or the credentials are missing; InstanceUnreachableError
   *   or StatementError from the server (the reconcile retries).
   */
  run(cluster: MySQLCluster, statements: Statement[]): Promise<string>;
}

/** What {@link serverPrimaryWrites} reads from the apiserver. */
export interface PrimaryWritesApi {
  getPod(namespace: string, name: string): Promise<V1Pod | undefined>;
  readSecret(namespace: string, name: string): Promise<V1Secret | undefined>;
}

/**
 * {@link PrimaryWrites} on real servers: the pod's address through the operator's one seam from
 * pod to server (`resolveAddress`), the root password from the cluster's credentials Secret.
 */
export function serverPrimaryWrites(
  api: PrimaryWritesApi,
  resolveAddress: PodAddressResolver,
  logger: Logger,
): PrimaryWrites {
  return {
    async run(cluster, statements) {
      const namespace = cluster.metadata.namespace ?? "";
      const names = ownedNames(cluster.metadata.name);
      const primary = cluster.status?.primary ?? names.initialPrimaryPod;
      const pod = await api.getPod(namespace, primary);
      if (!pod) throw new Error(`the primary's pod ${namespace}/${primary} does not exist`);
      const secret = await api.readSecret(namespace, names.credentialsSecret);
      const encoded = secret?.data?.[CREDENTIAL_KEYS.rootPassword];
      if (encoded === undefined) {
        throw new Error(
          `Secret ${namespace}/${names.credentialsSecret} has no ${CREDENTIAL_KEYS.rootPassword}`,
        );
      }
      const context = createReplicationContext(
        {
          engine: cluster.spec.engine,
          admin: { user: ADMIN_USER, password: Buffer.from(encoded, "base64").toString("utf8") },
          replication: { user: REPLICATION_USER, password: "" },
          connectTimeoutSeconds: 3,
        },
        logger,
      );
      await withInstance(context, instanceFromPod(pod, resolveAddress), (session) =>
        session.run(...statements),
      );
      return primary;
    },
  };
}
