import "server-only";
import type { V1StatefulSet } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { OPERATOR_SHARD_LABEL, RECONCILE_ANNOTATION } from "@/lib/crds/common";
import {
  MySQLClusterSchema,
  type MySQLCluster,
  type MySQLClusterStatus,
} from "@/lib/crds/mysql-cluster";
import type { ReconcileResult, Reconciler } from "../runtime/controller";
import { KubeApiError, isConflict, isTerminal } from "../runtime/kube-api-error";
import { parseObjectKey } from "../runtime/watched-object";
import { generatePassword, type ClusterApi, type RawCluster } from "./api";
import { ownedNames, podSelector } from "./names";
import { appliedObjects, credentialsSecret } from "./resources";
import { computeStatus } from "./status";
import { failedStatus, pausedStatus, statusUnchanged, transitionEvents } from "./status-events";

export interface MySQLClusterReconcilerOptions {
  api: ClusterApi;
  logger: Logger;
  /** The clock; tests pass a fixed one. */
  now?: () => Date;
  /** Makes the root password of a new cluster; tests pass a fixed one. */
  newPassword?: () => string;
  /** Only clusters labelled with this shard are reconciled; undefined = unlabelled ones. */
  shard?: string;
}

/** Delay before re-reading a cluster whose status write lost a race (409 Conflict), in ms. */
const CONFLICT_REQUEUE_MS = 250;

function describeError(error: unknown): string {
  if (!(error instanceof KubeApiError))
    return error instanceof Error ? error.message : String(error);
  const { kind, name } = error.target;
  return `${kind} ${name ?? ""} was refused (${error.status} ${error.reason}): ${error.message}`;
}

/**
 * The MySQLCluster reconcile, level-based (STYLE.md rule 9): get the cluster (NotFound = done),
 * skip it when it belongs to another operator shard, stop at the pause annotation, create the credentials Secret once, server-side apply the
 * ConfigMap, Services and StatefulSet, then compute the status from the StatefulSet and pods and
 * write it through the status subresource when it changed (409 = re-read and requeue). An owned
 * object the apiserver refuses as invalid is a terminal error: it becomes `Ready=False`,
 * reason `ApplyFailed`, and a Warning Event; other errors are thrown for a retry with backoff.
 *
 * @see https://kubernetes.io/docs/concepts/architecture/controller/
 */
export function mysqlClusterReconciler(options: MySQLClusterReconcilerOptions): Reconciler {
  const { api } = options;
  const now = options.now ?? (() => new Date());
  const newPassword = options.newPassword ?? generatePassword;
  const log = options.logger.child({ module: "mysql-cluster" });

  async function writeStatus(
    raw: RawCluster,
    cluster: MySQLCluster,
    next: MySQLClusterStatus,
  ): Promise<ReconcileResult | undefined> {
    if (statusUnchanged(cluster.status, next)) return undefined;
    try {
      await api.replaceStatus({ ...raw, status: next });
    } catch (error) {
      if (!isConflict(error)) throw error;
      log.debug({ cluster: cluster.metadata.name }, "status write conflicted; re-reading");
      return { requeueAfterMs: CONFLICT_REQUEUE_MS };
    }
    log.info(
      { namespace: cluster.metadata.namespace, cluster: cluster.metadata.name, phase: next.phase },
      "status updated",
    );
    for (const event of transitionEvents(cluster.status, next)) {
      await api.recordEvent(cluster, event, now()).catch((error: unknown) => {
        log.warn({ err: error, reason: event.reason }, "could not record event");
      });
    }
    return undefined;
  }

  async function applyOwned(cluster: MySQLCluster): Promise<V1StatefulSet> {
    const namespace = cluster.metadata.namespace ?? "";
    const secretName = ownedNames(cluster.metadata.name).credentialsSecret;
    const secret = await api.createSecretIfAbsent(namespace, secretName, () =>
      credentialsSecret(cluster, newPassword()),
    );
    if (secret === "created") log.info({ namespace, secret: secretName }, "created credentials");
    let statefulSet: V1StatefulSet | undefined;
    for (const object of appliedObjects(cluster)) {
      const applied = await api.apply(object);
      if (applied.kind === "StatefulSet") statefulSet = applied as V1StatefulSet;
    }
    if (!statefulSet) throw new Error("appliedObjects() returned no StatefulSet");
    return statefulSet;
  }

  return async (key) => {
    const { namespace, name } = parseObjectKey(key);
    if (!namespace) return undefined;
    const raw = await api.getCluster(namespace, name);
    if (!raw) return undefined;
    const parsed = MySQLClusterSchema.safeParse(raw);
    if (!parsed.success) {
      log.error({ key, issues: parsed.error.issues }, "MySQLCluster does not match its schema");
      return undefined;
    }
    const cluster = parsed.data;
    // StatefulSet and pod events arrive for every shard's clusters: act on this shard's only.
    if (cluster.metadata.labels?.[OPERATOR_SHARD_LABEL] !== options.shard) return undefined;
    if (cluster.metadata.deletionTimestamp) return undefined;
    if (cluster.metadata.annotations?.[RECONCILE_ANNOTATION] === "paused") {
      return writeStatus(raw, cluster, pausedStatus(cluster, now()));
    }
    let statefulSet: V1StatefulSet;
    try {
      statefulSet = await applyOwned(cluster);
    } catch (error) {
      if (!isTerminal(error)) throw error;
      log.warn({ key, err: error }, "owned object refused; not retrying until the spec changes");
      return writeStatus(raw, cluster, failedStatus(cluster, describeError(error), now()));
    }
    const pods = await api.listPods(namespace, podSelector(name));
    return writeStatus(raw, cluster, computeStatus({ cluster, statefulSet, pods, now: now() }));
  };
}
