import "server-only";
import type { Logger } from "pino";
import type { z } from "zod";
import { OPERATOR_SHARD_LABEL, RECONCILE_ANNOTATION, type Condition } from "@/lib/crds/common";
import type { KafkaEndpoint, ResolveKafkaEndpoint } from "@/server/kafka";
import type { ReconcileResult, Reconciler } from "../runtime/controller";
import { setConditions } from "../runtime/conditions";
import type { KafkaObjectApi, RawObject } from "./api";
import {
  CLUSTER_NOT_FOUND,
  DATABASE_CHECKS_DISABLED,
  clusterNotFoundMessage,
  notAppliedMessage,
  type MissingClusterWaiters,
  type ReadKafkaCluster,
} from "./cluster-waiters";
import { writeStatusWithReadyEvents } from "./events";
import { errorMessage, resumed, setFinalizersOrRequeue } from "./object-writes";

/** Why a KafkaTopic or KafkaUser is not Ready, whatever its kind. */
export interface KafkaObjectProblem {
  reason: "ClusterUnreachable" | "DeletionBlocked" | "ClusterNotFound" | "DatabaseChecksDisabled";
  message: string;
}

/** What a KafkaTopic and a KafkaUser have in common: a cluster reference and Ready conditions. */
export interface KafkaClusterObject {
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
  };
  spec: { clusterName: string };
  status?: { conditions?: Condition[] };
}

/** A status a Kafka object controller writes. */
export type KafkaObjectStatus = { phase?: string; conditions?: Condition[] };

/** One live object to apply: its cluster exists and database checks are enabled. */
export interface KafkaObjectStep<T extends KafkaClusterObject> {
  key: string;
  raw: RawObject;
  object: T;
  /** The object's KafkaCluster (same namespace). */
  cluster: { namespace: string; name: string };
  /** Writes `status` (unless unchanged) and records the Ready transition's Events. */
  writeStatus: (status: KafkaObjectStatus) => Promise<ReconcileResult | undefined>;
}

/** What the KafkaTopic and KafkaUser reconcilers are built from, besides their Admin API actions. */
export interface KafkaObjectReconcilerDeps {
  api: KafkaObjectApi;
  resolveEndpoint: ResolveKafkaEndpoint;
  /** Reads the KafkaCluster named by `spec.clusterName` (undefined = it does not exist). */
  readCluster: ReadKafkaCluster;
  /** Where an object waiting for its missing cluster is remembered (re-queued when it appears). */
  clusterWaiters?: MissingClusterWaiters;
  /** False: no broker is contacted; objects say `Ready=Unknown`, `DatabaseChecksDisabled`. */
  databaseChecks?: boolean;
  logger: Logger;
  shard: string | undefined;
  now?: () => Date;
}

export interface KafkaObjectReconcilerOptions<T extends KafkaClusterObject> {
  /** The kind, for logs (`KafkaTopic`). */
  kind: string;
  schema: z.ZodType<T>;
  /** The finalizer that holds the object until what it made in Kafka is removed. */
  finalizer: string;
  api: KafkaObjectApi;
  resolveEndpoint: ResolveKafkaEndpoint;
  /** Reads the KafkaCluster named by `spec.clusterName` (undefined = it does not exist). */
  readCluster: ReadKafkaCluster;
  /** Where an object waiting for its missing cluster is remembered (re-queued when it appears). */
  clusterWaiters?: MissingClusterWaiters;
  /** False: no broker is contacted; objects say `Ready=Unknown`, `DatabaseChecksDisabled`. */
  databaseChecks?: boolean;
  shard: string | undefined;
  log: Logger;
  now: () => Date;
  /** Retry this soon (ms) after a failed removal from Kafka. */
  retryMs: number;
  /**
   * How the object is named: `subject` in messages (`Topic orders`), `noun` in logs (`topic`),
   * `fields` added to log lines.
   */
  describe(object: T): { subject: string; noun: string; fields?: Record<string, string> };
  /** The status after `problem`, from `object` as it is (pause already lifted). */
  problemStatus(object: T, problem: KafkaObjectProblem): KafkaObjectStatus;
  /**
   * Removes what the object made in Kafka and logs it.
   *
   * @throws when the cluster cannot be reached or refuses: the finalizer stays.
   */
  remove(object: T, endpoint: KafkaEndpoint, key: string): Promise<void>;
  /** The `DeletionBlocked` message after a failed removal (`cause`: the error's message). */
  deletionBlockedMessage(object: T, cause: string): string;
  /** The rest of the reconcile of a live object with its finalizer, cluster and checks. */
  apply(step: KafkaObjectStep<T>): Promise<ReconcileResult | undefined>;
}

/**
 * The reconciler shared by the KafkaTopic and KafkaUser controllers: get (NotFound = done) →
 * schema (a mismatch is logged, not retried) → this shard's? → paused (`Paused=True`, phase
 * Paused) → deleting (remove from Kafka through `remove`, then the finalizer; with database
 * checks disabled or the cluster gone only the finalizer goes; a failed removal is
 * `DeletionBlocked` and retried after `retryMs`) → the finalizer → a missing KafkaCluster is
 * `ClusterNotFound` (the key waits for it) and disabled checks `DatabaseChecksDisabled` → `apply`.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/finalizers/
 */
export function kafkaObjectReconciler<T extends KafkaClusterObject>(
  options: KafkaObjectReconcilerOptions<T>,
): Reconciler {
  const { api, log, now, finalizer } = options;

  return async (key) => {
    const [namespace = "", name = ""] = key.split("/");
    const raw = await api.get(namespace, name);
    if (!raw) return;
    const parsed = options.schema.safeParse(raw);
    if (!parsed.success) {
      log.warn({ key, issues: parsed.error.issues }, `${options.kind} does not match its schema`);
      return;
    }
    const object = parsed.data;
    if (object.metadata.labels?.[OPERATOR_SHARD_LABEL] !== options.shard) return;
    const finalizers = object.metadata.finalizers ?? [];
    const cluster = { namespace, name: object.spec.clusterName };
    const writeStatus = (status: KafkaObjectStatus) =>
      writeStatusWithReadyEvents(api, raw, object.status, status, log, now());
    const writeProblem = (problem: KafkaObjectProblem) =>
      writeStatus(options.problemStatus(resumed(object, now()), problem));

    if (object.metadata.annotations?.[RECONCILE_ANNOTATION] === "paused") {
      const conditions = setConditions(
        object.status?.conditions,
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
      return writeStatus({ ...object.status, phase: "Paused", conditions });
    }

    const checks = options.databaseChecks ?? true;
    const { subject, noun, fields } = options.describe(object);
    if (object.metadata.deletionTimestamp) {
      if (!finalizers.includes(finalizer)) return;
      const rest = finalizers.filter((each) => each !== finalizer);
      if (!checks || !(await options.readCluster(namespace, cluster.name))) {
        // Nothing to remove: no broker was contacted, or the cluster (and all it held) is gone.
        log.info({ key, ...fields, checks }, `${noun} released without the Admin API`);
        return setFinalizersOrRequeue(api, raw, rest);
      }
      try {
        await options.remove(object, await options.resolveEndpoint(cluster), key);
      } catch (error) {
        const written = await writeProblem({
          reason: "DeletionBlocked",
          message: options.deletionBlockedMessage(object, errorMessage(error)),
        });
        return written ?? { requeueAfterMs: options.retryMs };
      }
      return setFinalizersOrRequeue(api, raw, rest);
    }

    if (!finalizers.includes(finalizer)) {
      // The informer sees the patch and queues the key again, with the finalizer in place.
      return setFinalizersOrRequeue(api, raw, [...finalizers, finalizer]);
    }

    if (!(await options.readCluster(namespace, cluster.name))) {
      options.clusterWaiters?.wait(`${namespace}/${cluster.name}`, key);
      return writeProblem({
        reason: CLUSTER_NOT_FOUND,
        message: clusterNotFoundMessage(namespace, cluster.name),
      });
    }
    if (!checks) {
      return writeProblem({
        reason: DATABASE_CHECKS_DISABLED,
        message: notAppliedMessage(subject),
      });
    }
    return options.apply({ key, raw, object, cluster, writeStatus });
  };
}
