import "server-only";
import type { V1Pod, V1StatefulSet } from "@kubernetes/client-node";
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
import { setConditions } from "../runtime/conditions";
import { headlessServiceAddress, type PodAddressResolver } from "./addresses";
import { generatePassword, type ClusterApi, type RawCluster } from "./api";
import {
  clusterReplicationContext,
  ensureCredentials,
  type ClusterCredentials,
} from "./credentials";
import { backupReport, noClusterMetrics, type ClusterMetrics } from "./metrics";
import { serverMySQLActions, type MySQLActions } from "./mysql-actions";
import { podSelector } from "./names";
import { reconcileReplication } from "./replication";
import type { ReplicationView } from "./replication-status";
import { appliedObjects } from "./resources";
import { computeStatus } from "./status";
import {
  failedStatus,
  pausedStatus,
  statusUnchanged,
  transitionEvents,
  type ClusterEvent,
} from "./status-events";
import { backupHealth, backupsOf } from "./backup-health";
import { ensureFinalizer, finalizeCluster, type DeletionContext } from "./deletion";
import { effectiveCluster, stopHold, withLifecycle } from "./lifecycle-status";
import { applyRoleLabels, recordTopology } from "./topology-record";
import { progressDeadlineRequeueMs } from "./progress-deadline";
import { unrunnableSwitchover } from "./switchover";
import {
  heldReplicas,
  scaleDownCondition,
  scaleDownGate,
  scaleDownMayRemovePrimary,
  type ScaleDownGate,
  type ScaleDownOutcome,
} from "./scale-down";

export interface MySQLClusterReconcilerOptions {
  api: ClusterApi;
  logger: Logger;
  /** The clock; tests pass a fixed one. */
  now?: () => Date;
  /** Makes the passwords of a new cluster; tests pass a fixed one. */
  newPassword?: () => string;
  /** Only clusters labelled with this shard are reconciled; undefined = unlabelled ones. */
  shard?: string;
  /** The seam from pods to servers; the headless Service's DNS names by default. */
  resolveAddress?: PodAddressResolver;
  /** The database-level actions; real servers by default. */
  mysql?: MySQLActions;
  /** How often a running cluster's servers are probed, in ms (default 10 s). */
  probeIntervalMs?: number;
  /**
   * False where no server can exist behind the pods (simulated nodes): no SQL at all, and the
   * status says the database was not checked. Default true.
   */
  databaseChecks?: boolean;
  /**
   * Owned objects are applied again when the cluster's generation or labels change, and at
   * least this often (ms, default 5 min); probe-interval reconciles in between only read the
   * StatefulSet, so that polling servers does not mean patching objects every few seconds.
   */
  reapplyIntervalMs?: number;
  metrics?: ClusterMetrics;
}

/** How often a stop waiting for a backup or restore looks again besides their events, in ms. */
const HOLD_POLL_MS = 15_000;

/** Delay before the scale-down that follows a switchover made for it, in ms. */
const SCALE_DOWN_REQUEUE_MS = 100;

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
 * skip other shards' clusters, stop at the pause annotation (no database action while paused),
 * ensure the credentials Secret, server-side apply the owned objects (a lower `spec.replicas`
 * that would remove the primary's pod is held at the current size until a switchover to a
 * server that stays is done; see scale-down.ts), then, while the cluster
 * runs, do the database work (replication.ts: bootstrap, converge, failover, switchover), record
 * a new primary, move the pods' role labels, and write the status when it changed (409 =
 * re-read and requeue). A running cluster is requeued every probe interval, since a dead
 * server changes no Kubernetes object. An owned object the apiserver refuses as invalid is
 * terminal: `Ready=False`, reason `ApplyFailed`, and a Warning Event; other errors are thrown
 * for a retry with backoff.
 *
 * @see https://kubernetes.io/docs/concepts/architecture/controller/
 */
export function mysqlClusterReconciler(options: MySQLClusterReconcilerOptions): Reconciler {
  const { api } = options;
  const now = options.now ?? (() => new Date());
  const newPassword = options.newPassword ?? generatePassword;
  const resolveAddress = options.resolveAddress ?? headlessServiceAddress;
  const mysql = options.mysql ?? serverMySQLActions;
  const probeIntervalMs = options.probeIntervalMs ?? 10_000;
  const databaseChecks = options.databaseChecks ?? true;
  const metrics = options.metrics ?? noClusterMetrics;
  const reapplyIntervalMs = options.reapplyIntervalMs ?? 300_000;
  /** What was last applied per cluster (uid, generation, labels) and when (Date ms). */
  const lastApplied = new Map<string, { fingerprint: string; atMs: number }>();
  const log = options.logger.child({ module: "mysql-cluster" });

  async function writeStatus(
    raw: RawCluster,
    cluster: MySQLCluster,
    next: MySQLClusterStatus,
    extra: ClusterEvent[] = [],
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
    for (const event of [...transitionEvents(cluster.status, next), ...extra]) {
      await api.recordEvent(cluster, event, now()).catch((error: unknown) => {
        log.warn({ err: error, reason: event.reason }, "could not record event");
      });
    }
    return undefined;
  }

  async function applyOwned(
    key: string,
    cluster: MySQLCluster,
  ): Promise<{ statefulSet: V1StatefulSet; credentials: ClusterCredentials }> {
    const credentials = await ensureCredentials(api, cluster, newPassword, log);
    const { uid, generation, labels, namespace = "", name } = cluster.metadata;
    const { stopped, replicas } = cluster.spec;
    const fingerprint = JSON.stringify([uid, generation, labels, stopped, replicas]);
    const last = lastApplied.get(key);
    if (last?.fingerprint === fingerprint && now().getTime() - last.atMs < reapplyIntervalMs) {
      const current = await api.getStatefulSet(namespace, name);
      if (current) return { statefulSet: current, credentials };
    }
    let statefulSet: V1StatefulSet | undefined;
    for (const object of appliedObjects(cluster)) {
      const applied = await api.apply(object);
      if (applied.kind === "StatefulSet") statefulSet = applied as V1StatefulSet;
    }
    if (!statefulSet) throw new Error("appliedObjects() returned no StatefulSet");
    lastApplied.set(key, { fingerprint, atMs: now().getTime() });
    return { statefulSet, credentials };
  }

  async function read(namespace: string, name: string) {
    const raw = await api.getCluster(namespace, name);
    if (!raw) return undefined;
    const parsed = MySQLClusterSchema.safeParse(raw);
    if (!parsed.success) {
      log.error(
        { namespace, name, issues: parsed.error.issues },
        "MySQLCluster does not match its schema",
      );
      return undefined;
    }
    return { raw, cluster: parsed.data };
  }

  /** The database work of a running cluster; returns the (re-read) cluster and the view. */
  async function replication(
    current: { raw: RawCluster; cluster: MySQLCluster },
    pods: V1Pod[],
    credentials: ClusterCredentials,
    gate: ScaleDownGate | undefined,
  ) {
    const { cluster } = current;
    const { namespace = "", name } = cluster.metadata;
    const clusterLog = log.child({ namespace, cluster: name });
    const step = await reconcileReplication({
      cluster,
      pods,
      context: clusterReplicationContext(cluster, credentials, clusterLog),
      resolveAddress,
      mysql,
      now,
      log: clusterLog,
      ...(gate?.kind === "hold" ? { scaleDownTo: gate.scaleTo } : {}),
    });
    const patched = await recordTopology(api, cluster, step, now(), metrics, clusterLog);
    const latest = patched ? await read(namespace, name) : current;
    return { latest, step };
  }

  /** The status and Events with a held (or unchecked) scale-down's condition and Event. */
  function withScaleDown(
    lifecycle: { status: MySQLClusterStatus; events: ClusterEvent[] },
    cluster: MySQLCluster,
    gate: ScaleDownGate | undefined,
    outcome: ScaleDownOutcome | undefined,
  ): { status: MySQLClusterStatus; events: ClusterEvent[] } {
    if (!gate) return lifecycle;
    if (gate.kind === "unchecked")
      return { ...lifecycle, events: [...lifecycle.events, gate.event] };
    const previous = cluster.status?.conditions?.find((c) => c.type === "Progressing");
    const generation = cluster.metadata.generation ?? 0;
    const { condition, event } = scaleDownCondition(gate, outcome, generation, previous);
    const conditions = setConditions(lifecycle.status.conditions, [condition], now());
    return {
      status: { ...lifecycle.status, conditions },
      events: event ? [...lifecycle.events, event] : lifecycle.events,
    };
  }

  const deletion: DeletionContext = { api, now, log, writeStatus };

  return async (key) => {
    const { namespace, name } = parseObjectKey(key);
    if (!namespace) return undefined;
    let current = await read(namespace, name);
    if (!current) {
      metrics.forget(namespace, name);
      lastApplied.delete(key);
      return undefined;
    }
    let { cluster } = current;
    // StatefulSet and pod events arrive for every shard's clusters: act on this shard's only.
    if (cluster.metadata.labels?.[OPERATOR_SHARD_LABEL] !== options.shard) return undefined;
    if (cluster.metadata.deletionTimestamp) return finalizeCluster(deletion, current.raw, cluster);
    if (cluster.metadata.annotations?.[RECONCILE_ANNOTATION] === "paused") {
      return writeStatus(current.raw, cluster, pausedStatus(cluster, now()));
    }
    const finalized = await ensureFinalizer(api, current.raw, cluster);
    if (finalized === "conflict") return { requeueAfterMs: CONFLICT_REQUEUE_MS };
    if (finalized !== current.raw) {
      const reparsed = MySQLClusterSchema.safeParse(finalized);
      if (reparsed.success) {
        current = { raw: finalized, cluster: reparsed.data };
        cluster = reparsed.data;
      }
    }
    const health = backupHealth(
      cluster,
      backupsOf(cluster, await api.listBackups(namespace)),
      now(),
    );
    // A requested stop waits for a running backup or restore: the cluster runs on meanwhile.
    const hold = stopHold(cluster, health.running);
    const running = effectiveCluster(cluster, hold);
    // A scale-down that would remove the primary's pod waits for a switchover (scale-down.ts).
    const gate = scaleDownMayRemovePrimary(running)
      ? scaleDownGate(running, await api.getStatefulSet(namespace, name), databaseChecks)
      : undefined;
    let owned: Awaited<ReturnType<typeof applyOwned>>;
    try {
      owned = await applyOwned(key, heldReplicas(running, gate));
    } catch (error) {
      if (!isTerminal(error)) throw error;
      log.warn({ key, err: error }, "owned object refused; not retrying until the spec changes");
      return writeStatus(current.raw, cluster, failedStatus(cluster, describeError(error), now()));
    }
    const pods = await api.listPods(namespace, podSelector(name));
    let view: ReplicationView | undefined;
    let requeueAfterMs: number | undefined;
    let scaleDown: ScaleDownOutcome | undefined;
    if (databaseChecks && !effectiveCluster(cluster, hold).spec.stopped && pods.length > 0) {
      const held = { raw: current.raw, cluster: effectiveCluster(current.cluster, hold) };
      const result = await replication(held, pods, owned.credentials, gate);
      if (!result.latest) return undefined;
      current = result.latest === held ? current : result.latest;
      view = result.step.view;
      scaleDown = result.step.scaleDown;
      requeueAfterMs = Math.min(probeIntervalMs, result.step.requeueAfterMs ?? probeIntervalMs);
      // Switched over before a scale-down: scale down at once, not a probe interval later.
      if (scaleDown?.kind === "switchover" && scaleDown.succeeded) {
        requeueAfterMs = SCALE_DOWN_REQUEUE_MS;
      }
    } else {
      // No database work: a switchover request is refused now, never left hanging.
      const running = effectiveCluster(current.cluster, hold);
      const refused = unrunnableSwitchover(running, pods, databaseChecks, now());
      if (refused && (await recordTopology(api, current.cluster, refused, now(), metrics, log))) {
        const latest = await read(namespace, name);
        if (!latest) return undefined;
        current = latest;
      }
    }
    const computed = computeStatus({
      cluster: effectiveCluster(current.cluster, hold),
      statefulSet: owned.statefulSet,
      pods,
      ...(view ? { replication: view } : {}),
      ...(databaseChecks ? {} : { databaseChecksDisabled: true }),
      now: now(),
    });
    const lifecycle = withLifecycle(current.cluster, computed, health, hold, now());
    const { status: next, events } = withScaleDown(lifecycle, current.cluster, gate, scaleDown);
    await applyRoleLabels(api, namespace, pods, next.instances ?? [], next.primary, log);
    metrics.report(namespace, name, next);
    metrics.backups(namespace, name, backupReport(current.cluster, health));
    const written = await writeStatus(current.raw, current.cluster, next, events);
    if (written) return written;
    // While a stop waits, look again soon even without database probes.
    if (hold) requeueAfterMs = Math.min(requeueAfterMs ?? HOLD_POLL_MS, HOLD_POLL_MS);
    // A rollout that may miss its deadline without any event (pods stay Pending): look then.
    const deadline = progressDeadlineRequeueMs(current.cluster, next, now());
    if (deadline !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? deadline, deadline);
    return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
  };
}
