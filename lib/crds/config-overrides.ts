/**
 * The one shape of "settings a user may add to a server's configuration file": a map of setting
 * name → one-line value, where the settings the operator owns are refused — by zod and, in the
 * generated CRD, by CEL rules whose message names the offending setting. Used by `spec.mycnf`
 * (MySQLCluster) and `spec.config` (KafkaCluster).
 *
 * @see https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation-rules
 */
import { z } from "zod";

const VALUE_PATTERN = /^[^\n\r]*$/;

/** What differs between the configuration files. */
export interface ConfigOverridesRules {
  /** Allowed setting names. */
  keyPattern: RegExp;
  /** The message for a name outside {@link ConfigOverridesRules.keyPattern}. */
  keyMessage: string;
  /** Most settings one object may override. */
  maxSettings: number;
  /** True when the operator owns the setting (zod side). */
  isOwned: (name: string) => boolean;
  /** The same test as a CEL boolean expression over the map key `k` (CRD side). */
  ownedCel: string;
}

/** The CEL rules of such a map; the owned-setting rule's message names the first offender. */
export function configOverridesValidations(rules: ConfigOverridesRules) {
  return [
    { rule: `self.all(k, k.matches(r'${rules.keyPattern.source}'))`, message: rules.keyMessage },
    {
      rule: `self.all(k, !${rules.ownedCel})`,
      messageExpression: `'setting ' + self.filter(k, ${rules.ownedCel})[0] + ' is owned by the operator and cannot be overridden'`,
      message: "a setting owned by the operator cannot be overridden",
      reason: "FieldValueForbidden",
    },
  ];
}

/**
 * A zod schema of setting → value (at most 1024 characters, no line breaks) that refuses names
 * outside the pattern and owned settings, each issue at the setting's path, and carries the CEL
 * rules for the CRD.
 */
export function configOverridesSchema(rules: ConfigOverridesRules) {
  return z
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
      if (names.length > rules.maxSettings) {
        context.addIssue({
          code: "custom",
          message: `must have at most ${rules.maxSettings} settings`,
        });
      }
      for (const name of names) {
        if (!rules.keyPattern.test(name)) {
          context.addIssue({ code: "custom", path: [name], message: rules.keyMessage });
        } else if (rules.isOwned(name)) {
          context.addIssue({
            code: "custom",
            path: [name],
            message: `setting ${name} is owned by the operator and cannot be overridden`,
          });
        }
      }
    })
    .meta({
      maxProperties: rules.maxSettings,
      "x-kubernetes-validations": configOverridesValidations(rules),
    });
}

/**
 * The lines of a configuration file for the overrides, sorted by name so that the text (and a
 * config hash) does not change with key order; names outside the pattern and owned settings are
 * skipped even if present (an object stored before a rule existed); line breaks become spaces.
 *
 * @param separator between name and value, e.g. `" = "` (my.cnf) or `"="` (server.properties)
 */
export function configOverrideLines(
  overrides: Record<string, string> | undefined,
  rules: Pick<ConfigOverridesRules, "keyPattern" | "isOwned">,
  separator: string,
): string[] {
  return Object.entries(overrides ?? {})
    .filter(([name]) => rules.keyPattern.test(name) && !rules.isOwned(name))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}${separator}${value.replace(/[\r\n]/g, " ")}`);
}
