import "server-only";
import { randomBytes } from "node:crypto";
import type { V1Secret, V1StatefulSet } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { OPERATOR_SHARD_LABEL, RECONCILE_ANNOTATION } from "@/lib/crds/common";
import {
  KAFKA_CLUSTER_FINALIZER,
  NODE_ID_BASE,
  KafkaClusterSchema,
  kafkaPools,
  type KafkaCluster,
} from "@/lib/crds/kafka-cluster";
import type { ClusterHealth, KafkaEndpoint, ResolveKafkaEndpoint } from "@/server/kafka";
import type { Reconciler } from "../runtime/controller";
import { setConditions } from "../runtime/conditions";
import {
  resumed,
  setFinalizersOrRequeue,
  writeStatusIfChanged,
} from "../kafka-common/object-writes";
import type { KafkaClusterApi } from "./api";
import type { KafkaClusterMetrics } from "./metrics";
import { kafkaOwnedNames, poolSelector } from "./names";
import { nextRollingStep, rollingPool, type RollDecision } from "./rolling";
import {
  adminSecret,
  bootstrapService,
  headlessService,
  onceSecret,
  poolConfigMap,
  poolStatefulSet,
} from "./resources";
import { recordEvents } from "../kafka-common/events";
import { finishDeletion } from "./deletion";
import { clusterHealthEvents } from "./events";
import { reconcileListeners, type ListenersState } from "./listeners";
import { clusterStatus } from "./status";

/** Follow pods this often (ms) until the cluster has settled; then probe health this often. */
export const CLUSTER_SETTLING_MS = 5_000;
export const CLUSTER_RESYNC_MS = 15_000;

/**
 * A KRaft cluster ID: 16 random bytes, base64url without padding (22 characters), never starting
 * with '-' — what `kafka-storage.sh random-uuid` prints (Kafka's `Uuid.randomUuid`).
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

function secretValue(secret: V1Secret | undefined, key: string): string | undefined {
  const value = secret?.data?.[key];
  return value === undefined ? undefined : Buffer.from(value, "base64").toString("utf8");
}

export interface KafkaClusterReconcilerOptions {
  api: KafkaClusterApi;
  /** The seam from cluster to Admin API address (bootstrap Service, or an override). */
  resolveEndpoint: ResolveKafkaEndpoint;
  /** `clusterHealth` of `@/server/kafka`; injected so unit tests need no broker. */
  probe: (endpoint: KafkaEndpoint) => Promise<ClusterHealth>;
  metrics?: KafkaClusterMetrics;
  /**
   * False when no broker can exist behind the pods (simulated KWOK nodes): the Admin API is never
   * probed, `Ready` comes from the pods and `Degraded` is Unknown (`DatabaseChecksDisabled`).
   */
  databaseChecks?: boolean;
  logger: Logger;
  shard: string | undefined;
  now?: () => Date;
}

/**
 * The KafkaCluster reconciler: get → paused? → the cluster ID (generated once, kept in a Secret
 * and in status, so stop/start and a lost status keep it) and the admin Secret → apply the
 * owned objects per pool (ConfigMap with the KRaft config, headless Service, StatefulSet) and
 * the bootstrap (and external) Service → health through the Admin API (brokers, quorum leader,
 * offline and under-replicated partitions; metrics) → status.
 *
 * @see https://kafka.apache.org/documentation/#kraft
 */
export function kafkaClusterReconciler(options: KafkaClusterReconcilerOptions): Reconciler {
  const { api } = options;
  const now = options.now ?? (() => new Date());
  const log = options.logger.child({ module: "kafka-cluster" });

  async function onceValue(cluster: KafkaCluster, name: string, key: string, make: () => string) {
    const namespace = cluster.metadata.namespace ?? "";
    const existing = secretValue(await api.readSecret(namespace, name), key);
    if (existing !== undefined) return existing;
    const value = make();
    if ((await api.createSecret(onceSecret(cluster, name, { [key]: value }))) === "created") {
      return value;
    }
    const raced = secretValue(await api.readSecret(namespace, name), key);
    if (raced === undefined) throw new Error(`Secret ${namespace}/${name} has no ${key}`);
    return raced;
  }

  /** One step of a rolling restart (`rolling.ts`): deletes at most one pod. */
  async function rollOnePod(
    cluster: KafkaCluster,
    sets: ReadonlyMap<string, V1StatefulSet | undefined>,
    health: ClusterHealth,
  ): Promise<RollDecision> {
    const namespace = cluster.metadata.namespace ?? "";
    const pools = [];
    for (const { name: pool } of kafkaPools(cluster.spec.kraft)) {
      const selector = Object.entries(poolSelector(cluster.metadata.name, pool))
        .map(([key, value]) => `${key}=${value}`)
        .join(",");
      const pods = await api.listPods(namespace, selector);
      pools.push(rollingPool(pool, pool !== "brokers", NODE_ID_BASE[pool], sets.get(pool), pods));
    }
    const decision = nextRollingStep(pools, {
      reachable: health.reachable,
      underReplicatedPartitions: health.reachable ? health.underReplicatedPartitions : 0,
      controller: health.reachable ? health.controller : -1,
    });
    if (decision.action === "restart") {
      log.info({ namespace, pod: decision.pod, pending: decision.pending }, "rolling restart");
      await api.deletePod(namespace, decision.pod);
    }
    return decision;
  }

  return async (key) => {
    const [namespace = "", name = ""] = key.split("/");
    const raw = await api.get(namespace, name);
    if (!raw) return;
    const parsed = KafkaClusterSchema.safeParse(raw);
    if (!parsed.success) {
      log.warn({ key, issues: parsed.error.issues }, "KafkaCluster does not match its schema");
      return;
    }
    const cluster = parsed.data;
    if (cluster.metadata.labels?.[OPERATOR_SHARD_LABEL] !== options.shard) return;
    if (cluster.metadata.deletionTimestamp) {
      // Owned objects go with it (garbage collection); the volumes as deletionPolicy says.
      return finishDeletion(api, raw, cluster, log, now());
    }
    if (cluster.metadata.annotations?.[RECONCILE_ANNOTATION] === "paused") {
      const conditions = setConditions(
        cluster.status?.conditions,
        [
          {
            type: "Paused",
            status: "True",
            reason: "Paused",
            message: "Reconciliation is paused.",
          },
        ],
        now(),
      );
      return writeStatusIfChanged(api, raw, cluster.status, {
        ...cluster.status,
        phase: "Paused",
        conditions,
      });
    }

    const finalizers = cluster.metadata.finalizers ?? [];
    if (!finalizers.includes(KAFKA_CLUSTER_FINALIZER)) {
      // The informer sees the patch and queues the key again, with the finalizer in place.
      return setFinalizersOrRequeue(api, raw, [...finalizers, KAFKA_CLUSTER_FINALIZER]);
    }

    const names = kafkaOwnedNames(name);
    const clusterId = await onceValue(
      cluster,
      names.clusterIdSecret,
      "clusterId",
      () => cluster.status?.clusterId ?? newClusterId(),
    );
    const adminName = names.adminSecret;
    if (secretValue(await api.readSecret(namespace, adminName), "password") === undefined) {
      await api.createSecret(adminSecret(cluster, randomBytes(24).toString("base64url")));
    }

    const pools = kafkaPools(cluster.spec.kraft);
    const brokerPool = cluster.spec.kraft.mode === "combined" ? "combined" : "brokers";
    const brokerSpec = pools.find(({ name: pool }) => pool === brokerPool)?.pool;
    const listeners: ListenersState = brokerSpec
      ? await reconcileListeners(api, cluster, brokerPool, brokerSpec, now())
      : { rendering: {} };
    for (const { name: pool, pool: spec } of pools) {
      const rendering = pool === "controllers" ? {} : listeners.rendering;
      await api.apply(poolConfigMap(cluster, pool, rendering));
      await api.apply(headlessService(cluster, pool));
      await api.apply(poolStatefulSet(cluster, pool, spec, rendering));
    }
    await api.apply(bootstrapService(cluster, brokerPool));

    const sets = new Map<string, V1StatefulSet | undefined>();
    for (const { name: pool } of pools) {
      sets.set(pool, await api.readStatefulSet(namespace, names.statefulSet(pool)));
    }
    let health: ClusterHealth | undefined;
    const checks = options.databaseChecks ?? true;
    if (cluster.spec.stopped || !checks) {
      // No probe, so no alert metric: a gauge left from before would raise a stale alert.
      options.metrics?.forget(namespace, name);
    } else {
      try {
        health = await options.probe(await options.resolveEndpoint({ namespace, name }));
      } catch (error) {
        health = {
          reachable: false,
          error: error instanceof Error ? error.message : String(error),
        };
      }
      options.metrics?.record(namespace, name, health);
    }
    const rolling = health && (await rollOnePod(cluster, sets, health));
    const status = clusterStatus(
      resumed(cluster, now()),
      clusterId,
      sets,
      health,
      now(),
      rolling,
      listeners,
      !checks,
    );
    const written = await writeStatusIfChanged(api, raw, cluster.status, status);
    if (!written) {
      const events = clusterHealthEvents(cluster.status, status);
      if (rolling?.action === "restart") {
        events.push({ type: "Normal", reason: "RollingRestart", message: rolling.message });
      }
      await recordEvents(api, raw, events, log, now());
    }
    const settled =
      (status.phase === "Ready" || status.phase === "Stopped") &&
      (rolling === undefined || rolling.action === "none");
    return written ?? { requeueAfterMs: settled ? CLUSTER_RESYNC_MS : CLUSTER_SETTLING_MS };
  };
}
