/**
 * `spec.config` of a KafkaCluster: broker and controller settings added to `server.properties`.
 * Settings the operator owns (node identity, roles, listeners, the quorum, storage paths, SASL and
 * authorizer wiring) are refused — by zod and, in the generated CRD, by a CEL rule whose message
 * names the setting — because overriding them would break the cluster silently.
 *
 * @see https://kafka.apache.org/documentation/#brokerconfigs
 */
import type { z } from "zod";
import {
  configOverrideLines,
  configOverridesSchema,
  configOverridesValidations,
} from "./config-overrides";

/** Settings the operator writes itself and never lets a user override. */
export const KAFKA_OWNED_SETTINGS = [
  "node.id",
  "broker.id",
  "process.roles",
  "controller.quorum.voters",
  "controller.quorum.bootstrap.servers",
  "controller.listener.names",
  "listeners",
  "advertised.listeners",
  "listener.security.protocol.map",
  "inter.broker.listener.name",
  "log.dirs",
  "log.dir",
  "metadata.log.dir",
  "authorizer.class.name",
  "super.users",
  "sasl.enabled.mechanisms",
  "sasl.mechanism.inter.broker.protocol",
  "sasl.mechanism.controller.protocol",
] as const;

/** Prefixes of owned settings: per-listener settings follow the listeners the operator builds. */
export const KAFKA_OWNED_PREFIXES = ["listener.name.", "ssl.keystore.", "ssl.truststore."] as const;

/** Most settings one cluster may override. */
export const MAX_KAFKA_SETTINGS = 64;

const KEY_PATTERN = /^[a-z][a-z0-9._-]{0,127}$/;
const KEY_MESSAGE =
  "setting names must start with a lower case letter and contain only lower case letters, digits, '.', '_' and '-' (at most 128 characters)";

/** True when the operator owns the setting `name`. */
export function isOwnedKafkaSetting(name: string): boolean {
  return (
    (KAFKA_OWNED_SETTINGS as readonly string[]).includes(name) ||
    KAFKA_OWNED_PREFIXES.some((prefix) => name.startsWith(prefix))
  );
}

const ownedCel =
  `(k in [${KAFKA_OWNED_SETTINGS.map((s) => `'${s}'`).join(", ")}] || ` +
  KAFKA_OWNED_PREFIXES.map((prefix) => `k.startsWith('${prefix}')`).join(" || ") +
  ")";

const RULES = {
  keyPattern: KEY_PATTERN,
  keyMessage: KEY_MESSAGE,
  maxSettings: MAX_KAFKA_SETTINGS,
  isOwned: isOwnedKafkaSetting,
  ownedCel,
};

/** The CEL rules of `spec.config`; the owned-setting rule's message names the first offender. */
export const KAFKA_CONFIG_VALIDATIONS = configOverridesValidations(RULES);

/** `spec.config`: setting → value, e.g. `{ "log.retention.hours": "72" }`. */
export const KafkaConfigOverridesSchema = configOverridesSchema(RULES);
export type KafkaConfigOverrides = z.infer<typeof KafkaConfigOverridesSchema>;

/** The `server.properties` lines of `spec.config`, sorted by name; owned settings skipped. */
export function kafkaConfigLines(overrides: KafkaConfigOverrides | undefined): string[] {
  return configOverrideLines(overrides, RULES, "=");
}
