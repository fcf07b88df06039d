import "server-only";
import {
  KAFKA_USER_FINALIZER,
  KafkaUserSchema,
  kafkaUserSecretName,
  type KafkaUser,
} from "@/lib/crds/kafka-user";
import type {
  KafkaEndpoint,
  aclBindings,
  deleteScramUser,
  scramLoginWorks,
  setAcls,
  upsertScramUser,
} from "@/server/kafka";
import type { Reconciler } from "../runtime/controller";
import {
  kafkaObjectReconciler,
  type KafkaObjectReconcilerDeps,
} from "../kafka-common/object-reconciler";
import { errorMessage, resumed } from "../kafka-common/object-writes";
import { generatePassword, secretPassword, userSecret } from "./credentials";
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

export interface KafkaUserReconcilerOptions extends KafkaObjectReconcilerDeps {
  actions: KafkaUserActions;
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

  async function applyUser(user: KafkaUser, endpoint: KafkaEndpoint): Promise<UserOutcome> {
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

  return kafkaObjectReconciler<KafkaUser>({
    ...options,
    kind: "KafkaUser",
    schema: KafkaUserSchema,
    finalizer: KAFKA_USER_FINALIZER,
    log,
    now,
    retryMs: USER_RETRY_MS,
    describe: (user) => ({ subject: `User ${user.metadata.name}`, noun: "user" }),
    problemStatus: (user, problem) => userStatus(user, { applied: false, ...problem }, now()),
    async remove(user, endpoint, key) {
      await actions.setAcls(endpoint, `User:${user.metadata.name}`, []);
      await actions.deleteScramUser(endpoint, user.metadata.name);
      log.info({ key }, "user removed from Kafka");
    },
    deletionBlockedMessage: (user, cause) =>
      `Cannot remove user ${user.metadata.name} from Kafka: ${cause}. Remove the finalizer ${KAFKA_USER_FINALIZER} to let the object go.`,
    async apply({ key, object: user, cluster, writeStatus }) {
      let outcome: UserOutcome;
      try {
        outcome = await applyUser(user, await options.resolveEndpoint(cluster));
      } catch (error) {
        outcome = { applied: false, reason: "ClusterUnreachable", message: errorMessage(error) };
      }
      if (outcome.applied && outcome.rotated) log.info({ key }, "SCRAM credential written");
      const written = await writeStatus(userStatus(resumed(user, now()), outcome, now()));
      return written ?? { requeueAfterMs: outcome.applied ? USER_RESYNC_MS : USER_RETRY_MS };
    },
  });
}
