/**
 * `spec.resources` of a MySQLCluster: CPU and memory requests and limits of each server's
 * container, as Kubernetes quantities. zod checks them in the browser and on the server; the
 * generated CRD checks the same with CEL (the apiserver's `quantity()` library), so a limit below
 * its request is refused with a message naming the field.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 * @see https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-quantity-library
 */
import { z } from "zod";
import { patternString } from "./common";

/** A non-negative quantity such as `500m`, `2`, `1.5`, `512Mi` or `4G`. */
const QUANTITY_PATTERN = /^([0-9]+(\.[0-9]+)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

const SUFFIX: Record<string, number> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * The value of a quantity as a number (cores for CPU, bytes for memory), or undefined when the
 * text is not a quantity {@link QuantitySchema} accepts. Precise enough to compare limits with
 * requests; not meant for arithmetic on exabytes.
 */
export function quantityValue(text: string): number | undefined {
  const match = QUANTITY_PATTERN.exec(text);
  if (!match) return undefined;
  const scale = SUFFIX[match[3] ?? ""];
  return scale === undefined ? undefined : Number(match[1]) * scale;
}

/** A resource quantity, e.g. `500m` CPU or `2Gi` memory. */
export const QuantitySchema = patternString(
  QUANTITY_PATTERN,
  "must be a quantity such as 500m, 2, 512Mi or 4Gi",
  32,
);

const CpuMemorySchema = z.object({
  cpu: QuantitySchema.optional().describe("CPU, in cores or millicores (500m)."),
  memory: QuantitySchema.optional().describe("Memory, in bytes with a unit (2Gi)."),
});

const RESOURCE_NAMES = ["cpu", "memory"] as const;

/** CEL: the limit of `name`, when both are set, is at least its request. */
function limitRule(name: (typeof RESOURCE_NAMES)[number]) {
  return {
    rule:
      `!has(self.requests) || !has(self.limits) || !has(self.requests.${name}) || ` +
      `!has(self.limits.${name}) || ` +
      `quantity(self.limits.${name}).compareTo(quantity(self.requests.${name})) >= 0`,
    message: `limits.${name} must be at least requests.${name}`,
    fieldPath: `.limits.${name}`,
  };
}

/** Requests and limits of each server container. */
export const ServerResourcesSchema = z
  .object({
    requests: CpuMemorySchema.optional().describe("What the scheduler reserves for each server."),
    limits: CpuMemorySchema.optional().describe("The most each server may use."),
  })
  .superRefine((resources, context) => {
    for (const name of RESOURCE_NAMES) {
      const request = resources.requests?.[name];
      const limit = resources.limits?.[name];
      if (request === undefined || limit === undefined) continue;
      const [r, l] = [quantityValue(request), quantityValue(limit)];
      if (r !== undefined && l !== undefined && l < r) {
        context.addIssue({
          code: "custom",
          path: ["limits", name],
          message: `limits.${name} must be at least requests.${name}`,
        });
      }
    }
  })
  .meta({ "x-kubernetes-validations": RESOURCE_NAMES.map(limitRule) });
export type ServerResources = z.infer<typeof ServerResourcesSchema>;
