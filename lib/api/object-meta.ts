/**
 * The parts of `metav1.ObjectMeta` a client may set when it creates an object through the
 * Pilothouse API: labels and annotations, validated with the apiserver's own rules so that a bad
 * key is refused here with its field path instead of by Kubernetes with a less precise one.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/#syntax-and-character-set
 */
import { z } from "zod";

/** A qualified name's name part: at most 63 characters, alphanumeric at both ends. */
const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** A DNS-1123 subdomain: the optional prefix of a key, e.g. `app.kubernetes.io`. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Total size of all annotations (keys and values), in bytes, as the apiserver limits it. */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/**
 * Why `key` is not a valid label or annotation key (`[prefix/]name`), or `null` when it is.
 */
export function qualifiedNameProblem(key: string): string | null {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return "the prefix must be a DNS subdomain (lower case, at most 253 characters), e.g. example.com";
  }
  if (name.length === 0 || name.length > 63) return "the name must be 1 to 63 characters";
  if (!NAME_PART.test(name)) {
    return "the name must consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character";
  }
  return null;
}

const keyRule = (key: string, ctx: z.core.$RefinementCtx<Record<string, string>>) => {
  const problem = qualifiedNameProblem(key);
  if (problem) ctx.addIssue({ code: "custom", path: [key], message: `invalid key: ${problem}` });
};

/** `metadata.labels`: qualified-name keys, values of at most 63 characters of the same alphabet. */
export const LabelsSchema = z
  .record(
    z.string(),
    z
      .string()
      .max(63, "must be at most 63 characters")
      .regex(
        /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/,
        "must be empty or consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character",
      ),
  )
  .superRefine((labels, ctx) => {
    for (const key of Object.keys(labels)) keyRule(key, ctx);
  });
export type Labels = z.infer<typeof LabelsSchema>;

/** `metadata.annotations`: qualified-name keys, any string values, 256 KiB in total. */
export const AnnotationsSchema = z
  .record(z.string(), z.string())
  .superRefine((annotations, ctx) => {
    let bytes = 0;
    for (const [key, value] of Object.entries(annotations)) {
      keyRule(key, ctx);
      bytes += new TextEncoder().encode(key + value).length;
    }
    if (bytes > MAX_ANNOTATIONS_BYTES) {
      ctx.addIssue({
        code: "custom",
        message: `annotations must be at most ${MAX_ANNOTATIONS_BYTES} bytes in total`,
      });
    }
  });
export type Annotations = z.infer<typeof AnnotationsSchema>;
