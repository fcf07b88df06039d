/**
 * `spec.config` of a KafkaCluster: broker and controller settings added to `server.properties`.
 * Settings the operator owns (node identity, roles, listeners, the quorum, storage paths, SASL and
 * authorizer wiring) are refused — by zod and, in the generated CRD, by a CEL rule whose message
 * names the setting — because overriding them would break the cluster silently.
 *
 * @see https://kafka.apache.org/documentation/#brokerconfigs
 */
import { z } from "zod";

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
const VALUE_PATTERN = /^[^\n\r]*$/;
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

/** The CEL rules of `spec.config`; the owned-setting rule's message names the first offender. */
export const KAFKA_CONFIG_VALIDATIONS = [
  { rule: `self.all(k, k.matches(r'${KEY_PATTERN.source}'))`, message: KEY_MESSAGE },
  {
    rule: `self.all(k, !${ownedCel})`,
    messageExpression: `'setting ' + self.filter(k, ${ownedCel})[0] + ' is owned by the operator and cannot be overridden'`,
    message: "a setting owned by the operator cannot be overridden",
    reason: "FieldValueForbidden",
  },
];

/** `spec.config`: setting → value, e.g. `{ "log.retention.hours": "72" }`. */
export const KafkaConfigOverridesSchema = z
  .record(
    z.string(),
    z
      .string()
      .max(1024, "must be at most 1024 characters")
      .regex(VALUE_PATTERN, "must not contain line breaks")
      .meta({
        "x-kubernetes-validations": [
          {
            rule: `self.matches(r'${VALUE_PATTERN.source}')`,
            message: "must not contain line breaks",
          },
        ],
      }),
  )
  .superRefine((settings, context) => {
    const names = Object.keys(settings);
    if (names.length > MAX_KAFKA_SETTINGS) {
      context.addIssue({
        code: "custom",
        message: `must have at most ${MAX_KAFKA_SETTINGS} settings`,
      });
    }
    for (const name of names) {
      if (!KEY_PATTERN.test(name)) {
        context.addIssue({ code: "custom", path: [name], message: KEY_MESSAGE });
      } else if (isOwnedKafkaSetting(name)) {
        context.addIssue({
          code: "custom",
          path: [name],
          message: `setting ${name} is owned by the operator and cannot be overridden`,
        });
      }
    }
  })
  .meta({
    maxProperties: MAX_KAFKA_SETTINGS,
    "x-kubernetes-validations": KAFKA_CONFIG_VALIDATIONS,
  });
export type KafkaConfigOverrides = z.infer<typeof KafkaConfigOverridesSchema>;

/** The `server.properties` lines of `spec.config`, sorted by name; owned settings skipped. */
export function kafkaConfigLines(overrides: KafkaConfigOverrides | undefined): string[] {
  return Object.entries(overrides ?? {})
    .filter(([name]) => KEY_PATTERN.test(name) && !isOwnedKafkaSetting(name))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${value.replace(/[\r\n]/g, " ")}`);
}
