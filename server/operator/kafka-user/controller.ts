import "server-only";
import type { Logger } from "pino";
import { OPERATOR_SHARD_LABEL, RECONCILE_ANNOTATION } from "@/lib/crds/common";
import {
  KAFKA_USER_FINALIZER,
  KafkaUserSchema,
  kafkaUserSecretName,
  type KafkaUser,
  type KafkaUserStatus,
} from "@/lib/crds/kafka-user";
import type {
  KafkaEndpoint,
  ResolveKafkaEndpoint,
  aclBindings,
  deleteScramUser,
  scramLoginWorks,
  setAcls,
  upsertScramUser,
} from "@/server/kafka";
import type { Reconciler } from "../runtime/controller";
import { setConditions } from "../runtime/conditions";
import type { KafkaObjectApi, RawObject } from "../kafka-common/api";
import { writeStatusWithReadyEvents } from "../kafka-common/events";
import { errorMessage, setFinalizersOrRequeue, resumed } from "../kafka-common/object-writes";
import { generatePassword, secretPassword, userSecret } from "./credentials";
import {
  CLUSTER_NOT_FOUND,
  DATABASE_CHECKS_DISABLED,
  clusterNotFoundMessage,
  notAppliedMessage,
  type MissingClusterWaiters,
  type ReadKafkaCluster,
} from "../kafka-common/cluster-waiters";
import { userStatus, type UserOutcome } from "./status";

/** Re-check an applied user this often (ms): ACLs or credentials changed by hand are restored. */
export const USER_RESYNC_MS = 5 * 60_000;
/** Retry this soon (ms) when the cluster cannot be reached. */
export const USER_RETRY_MS = 10_000;

/** The Admin API actions (`@/server/kafka`); injected so unit tests need no broker. */
export interface KafkaUserActions {
  aclBindings: typeof aclBindings;
  setAcls: typeof setAcls;
  upsertScramUser: typeof upsertScramUser;
  deleteScramUser: typeof deleteScramUser;
  scramLoginWorks: typeof scramLoginWorks;
}

export interface KafkaUserReconcilerOptions {
  api: KafkaObjectApi;
  resolveEndpoint: ResolveKafkaEndpoint;
  actions: KafkaUserActions;
  /** Reads the KafkaCluster named by `spec.clusterName` (undefined = it does not exist). */
  readCluster: ReadKafkaCluster;
  /** Where a user waiting for its missing cluster is remembered (re-queued when it appears). */
  clusterWaiters?: MissingClusterWaiters;
  /** False: no broker is contacted; users say `Ready=Unknown`, `DatabaseChecksDisabled`. */
  databaseChecks?: boolean;
  logger: Logger;
  shard: string | undefined;
  now?: () => Date;
}

/**
 * The KafkaUser reconciler: get → paused? → deleting? (remove ACLs and the SCRAM credential,
 * then the finalizer; the Secret goes with its owner) → finalizer → the credentials Secret
 * (created once with a generated password) → the SCRAM-SHA-512 credential (written when a login
 * with the Secret's password fails) → the ACL bindings (exactly the spec's) → status. A missing
 * KafkaCluster is `ClusterNotFound` (queued again when it is created); with database checks
 * disabled nothing is sent to Kafka and no Secret is made (`Ready=Unknown`,
 * `DatabaseChecksDisabled`); deleting such a user, or one whose cluster is gone, only removes
 * the finalizer.
 *
 * @see https://kafka.apache.org/documentation/#security_authz
 */
export function kafkaUserReconciler(options: KafkaUserReconcilerOptions): Reconciler {
  const { api, actions } = options;
  const now = options.now ?? (() => new Date());
  const log = options.logger.child({ module: "kafka-user" });
  const writeStatus = (raw: RawObject, user: KafkaUser, status: KafkaUserStatus) =>
    writeStatusWithReadyEvents(api, raw, user.status, status, log, now());

  async function apply(user: KafkaUser, endpoint: KafkaEndpoint): Promise<UserOutcome> {
    const namespace = user.metadata.namespace ?? "";
    const username = user.metadata.name;
    const secretName = kafkaUserSecretName(username);
    let password = secretPassword(await api.readSecret(namespace, secretName));
    if (password === undefined) {
      const candidate = generatePassword();
      const created = await api.createSecret(userSecret(user, candidate));
      password =
        created === "created"
          ? candidate
          : secretPassword(await api.readSecret(namespace, secretName));
      if (password === undefined) throw new Error(`Secret ${secretName} has no password`);
    }
    const rotated = !(await actions.scramLoginWorks(endpoint, username, password));
    if (rotated) await actions.upsertScramUser(endpoint, username, password);
    const principal = `User:${username}`;
    const result = await actions.setAcls(
      endpoint,
      principal,
      actions.aclBindings(principal, user.spec.acls),
    );
    return { applied: true, secretName, acls: result.total, rotated };
  }

  return async (key) => {
    const [namespace = "", name = ""] = key.split("/");
    const raw = await api.get(namespace, name);
    if (!raw) return;
    const parsed = KafkaUserSchema.safeParse(raw);
    if (!parsed.success) {
      log.warn({ key, issues: parsed.error.issues }, "KafkaUser does not match its schema");
      return;
    }
    const user = parsed.data;
    if (user.metadata.labels?.[OPERATOR_SHARD_LABEL] !== options.shard) return;
    const finalizers = user.metadata.finalizers ?? [];
    const cluster = { namespace, name: user.spec.clusterName };

    if (user.metadata.annotations?.[RECONCILE_ANNOTATION] === "paused") {
      const conditions = setConditions(
        user.status?.conditions,
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
      return writeStatus(raw, user, { ...user.status, phase: "Paused", conditions });
    }

    const checks = options.databaseChecks ?? true;
    if (user.metadata.deletionTimestamp) {
      if (!finalizers.includes(KAFKA_USER_FINALIZER)) return;
      const rest = finalizers.filter((finalizer) => finalizer !== KAFKA_USER_FINALIZER);
      if (!checks || !(await options.readCluster(namespace, cluster.name))) {
        // Nothing to remove: no broker was contacted, or the cluster (and its users) is gone.
        log.info({ key, checks }, "user released without the Admin API");
        return setFinalizersOrRequeue(api, raw, rest);
      }
      try {
        const endpoint = await options.resolveEndpoint(cluster);
        await actions.setAcls(endpoint, `User:${name}`, []);
        await actions.deleteScramUser(endpoint, name);
      } catch (error) {
        const outcome: UserOutcome = {
          applied: false,
          reason: "DeletionBlocked",
          message: `Cannot remove user ${name} from Kafka: ${errorMessage(error)}. Remove the finalizer ${KAFKA_USER_FINALIZER} to let the object go.`,
        };
        const written = await writeStatus(
          raw,
          user,
          userStatus(resumed(user, now()), outcome, now()),
        );
        return written ?? { requeueAfterMs: USER_RETRY_MS };
      }
      log.info({ key }, "user removed from Kafka");
      return setFinalizersOrRequeue(api, raw, rest);
    }

    if (!finalizers.includes(KAFKA_USER_FINALIZER)) {
      return setFinalizersOrRequeue(api, raw, [...finalizers, KAFKA_USER_FINALIZER]);
    }

    if (!(await options.readCluster(namespace, cluster.name))) {
      options.clusterWaiters?.wait(`${namespace}/${cluster.name}`, key);
      const missing: UserOutcome = {
        applied: false,
        reason: CLUSTER_NOT_FOUND,
        message: clusterNotFoundMessage(namespace, cluster.name),
      };
      return writeStatus(raw, user, userStatus(resumed(user, now()), missing, now()));
    }
    if (!checks) {
      const unchecked: UserOutcome = {
        applied: false,
        reason: DATABASE_CHECKS_DISABLED,
        message: notAppliedMessage(`User ${name}`),
      };
      return writeStatus(raw, user, userStatus(resumed(user, now()), unchecked, now()));
    }

    let outcome: UserOutcome;
    try {
      outcome = await apply(user, await options.resolveEndpoint(cluster));
    } catch (error) {
      outcome = { applied: false, reason: "ClusterUnreachable", message: errorMessage(error) };
    }
    if (outcome.applied && outcome.rotated) log.info({ key }, "SCRAM credential written");
    const written = await writeStatus(raw, user, userStatus(resumed(user, now()), outcome, now()));
    return written ?? { requeueAfterMs: outcome.applied ? USER_RESYNC_MS : USER_RETRY_MS };
  };
}
