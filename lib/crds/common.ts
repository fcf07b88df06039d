/**
 * Pieces shared by every Pilothouse custom resource: the Kubernetes condition shape, the
 * lifecycle annotation and the metadata subset the API and the UI rely on.
 *
 * @see https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md#typical-status-properties
 */
import { z } from "zod";

/**
 * A string that must match `pattern`. zod checks it in the browser and on the server; in the
 * generated CRD the same pattern becomes a CEL rule carrying `message`, so the apiserver answers
 * `spec.version: Invalid value: "string": <message>` instead of quoting a regular expression.
 * `maxLength` (characters) bounds the CEL cost estimate, which the apiserver requires. When
 * the pattern refuses `""`, an empty value is refused as "must not be empty" (`minLength: 1`).
 *
 * @see https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation-rules
 */
export function patternString(pattern: RegExp, message: string, maxLength: number) {
  if (pattern.source.includes("'")) {
    throw new Error(`pattern ${pattern.source} cannot be written as a CEL raw string`);
  }
  // An empty value the pattern refuses is reported as empty, not with the pattern's message.
  const base = pattern.test("") ? z.string() : z.string().min(1, "must not be empty");
  return base
    .max(maxLength, `must be at most ${maxLength} characters`)
    .regex(pattern, message)
    .meta({
      "x-kubernetes-validations": [{ rule: `self.matches(r'${pattern.source}')`, message }],
    });
}

/** One CEL validation rule of a CRD schema node. */
export interface CelRule {
  rule: string;
  message: string;
}

/**
 * The schema with `rules` added to the CEL rules it already carries (`.meta()` alone would
 * replace them).
 *
 * @see https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation-rules
 */
export function withValidations<T extends z.ZodType>(schema: T, ...rules: CelRule[]): T {
  const existing = schema.meta()?.["x-kubernetes-validations"];
  const current = Array.isArray(existing) ? (existing as CelRule[]) : [];
  return schema.meta({ "x-kubernetes-validations": [...current, ...rules] });
}

/** `metav1.Condition` as the apiserver stores it. */
export const ConditionSchema = z.object({
  type: z.string().min(1).max(316),
  status: z.enum(["True", "False", "Unknown"]),
  reason: z.string().min(1).max(1024),
  message: z.string().max(32768).default(""),
  lastTransitionTime: z.iso.datetime({ offset: true }),
  observedGeneration: z.int().min(0).optional(),
});
export type Condition = z.infer<typeof ConditionSchema>;

/**
 * `status.conditions`: a list keyed by `type`, so server-side apply and strategic merges treat
 * each condition as its own entry.
 *
 * @see https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy
 */
export const ConditionListSchema = z
  .array(ConditionSchema)
  .meta({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"] });

/** Condition types every Pilothouse kind reports (DESIGN.md, "One lifecycle contract"). */
export const ConditionType = {
  Ready: "Ready",
  Progressing: "Progressing",
  Degraded: "Degraded",
  Stopped: "Stopped",
  Paused: "Paused",
} as const;

/** Annotation that pauses reconciliation of one object when set to `paused`. */
export const RECONCILE_ANNOTATION = "pilothouse.dev/reconcile";

/**
 * Label that hands an object to one operator shard. An operator started with
 * `PILOTHOUSE_OPERATOR_SHARD=x` reconciles only objects labelled `pilothouse.dev/operator-shard=x`;
 * an operator without a shard reconciles only objects without the label. Lets a second operator
 * (a test run, a canary) work next to the one already running without both acting on one object.
 */
export const OPERATOR_SHARD_LABEL = "pilothouse.dev/operator-shard";

/**
 * A DNS-1123 label: what Kubernetes accepts as a namespace name and what Pilothouse accepts as a
 * cluster name (the name becomes part of Service and StatefulSet names, so it must be a label).
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
 */
export const Dns1123LabelSchema = z
  .string()
  .min(1, "must not be empty")
  .max(63, "must be at most 63 characters")
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    "must consist of lower case alphanumeric characters or '-', and start and end with an alphanumeric character",
  );

/**
 * A Kubernetes resource quantity in bytes as used for storage requests: a whole number with an
 * optional binary (Ki, Mi, Gi, Ti, Pi, Ei) or decimal (k, M, G, T, P, E) suffix, e.g. `10Gi`.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */
export const StorageQuantitySchema = patternString(
  /^[1-9][0-9]*(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/,
  "must be a quantity such as 10Gi (a whole number with an optional unit: Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E)",
  32,
);

/** The metadata fields Pilothouse reads from every object (a subset of `metav1.ObjectMeta`). */
export const ObjectMetaSchema = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.int().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  finalizers: z.array(z.string()).optional(),
});
export type ObjectMeta = z.infer<typeof ObjectMetaSchema>;
