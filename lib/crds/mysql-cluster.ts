/**
 * MySQLCluster (`mysql.pilothouse.dev/v1alpha1`): the one source of truth for its schema.
 * The CRD YAML in `deploy/crds/` is generated from these zod schemas (`npm run generate`);
 * the TypeScript types are inferred from them; the dashboard validates forms and request bodies
 * with them. Change the schema here, nowhere else.
 *
 * A cluster is `spec.replicas` servers: one primary and `replicas - 1` replicas.
 */
import { z } from "zod";
import {
  ConditionListSchema,
  ObjectMetaSchema,
  StorageQuantitySchema,
  patternString,
} from "./common";

export const MYSQL_GROUP = "mysql.pilothouse.dev";
export const MYSQL_VERSION = "v1alpha1";
export const MYSQL_API_VERSION = `${MYSQL_GROUP}/${MYSQL_VERSION}` as const;

export const MySQLClusterNames = {
  kind: "MySQLCluster",
  listKind: "MySQLClusterList",
  plural: "mysqlclusters",
  singular: "mysqlcluster",
  shortNames: ["mysqlc"],
  categories: ["pilothouse", "all"],
} as const;

/**
 * What a MySQLCluster may be called. Stricter than a DNS-1123 label because the name becomes
 * Service names (`<name>-headless`, which must start with a letter and fit 63 characters) and the
 * StatefulSet's `controller-revision-hash` label value (`<name>-<10-character hash>`, at most 63).
 * The generated CRD enforces the same two rules with CEL on `metadata.name`.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#rfc-1035-label-names
 */
export const MySQLClusterNameRules = {
  maxLength: 52,
  pattern: /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
  patternMessage:
    "must start with a lower case letter, contain only lower case letters, digits and '-', and end with a letter or digit",
} as const;

export const MySQLClusterNameSchema = z
  .string()
  .min(1, "must not be empty")
  .max(
    MySQLClusterNameRules.maxLength,
    `must be at most ${MySQLClusterNameRules.maxLength} characters`,
  )
  .regex(MySQLClusterNameRules.pattern, MySQLClusterNameRules.patternMessage);

/** Server engines the operator can run. `mysql` means MySQL 8.4 LTS. */
export const MySQLEngineSchema = z.enum(["mysql", "mariadb"]);
export type MySQLEngine = z.infer<typeof MySQLEngineSchema>;

/** Default server version per engine (what the form pre-fills and the CRD defaults to). */
export const DEFAULT_VERSION: Record<MySQLEngine, string> = { mysql: "8.4", mariadb: "11.4" };

export const MySQLClusterSpecSchema = z
  .object({
    engine: MySQLEngineSchema.default("mysql").describe(
      "Server engine: mysql (MySQL 8.4 LTS) or mariadb.",
    ),
    version: patternString(
      /^[0-9]+\.[0-9]+(\.[0-9]+)?$/,
      "must be a server version such as 8.4 or 8.4.3 (major.minor[.patch])",
      32,
    )
      .default("8.4")
      .describe("Server version, major.minor or major.minor.patch, e.g. 8.4."),
    replicas: z
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(9, "must be at most 9")
      .default(3)
      .describe("Number of servers: one primary and replicas - 1 read replicas."),
    storage: z
      .object({
        size: StorageQuantitySchema.describe("Size of each server's data volume, e.g. 10Gi."),
        storageClassName: z
          .string()
          .min(1)
          .optional()
          .describe("StorageClass of the data volumes; the cluster default when unset."),
      })
      .describe("Persistent storage of each server."),
    stopped: z
      .boolean()
      .default(false)
      .describe("Stop the cluster: scale servers to zero and keep every volume and Secret."),
  })
  .describe("Desired state of a MySQL cluster.");
export type MySQLClusterSpec = z.infer<typeof MySQLClusterSpecSchema>;
/** The spec as a user writes it (defaults not yet applied). */
export type MySQLClusterSpecInput = z.input<typeof MySQLClusterSpecSchema>;

/** `status.phase`: a one-word summary derived from the conditions, never a source of truth. */
export const MySQLClusterPhaseSchema = z.enum([
  "Pending",
  "Provisioning",
  "Ready",
  "Degraded",
  "Stopping",
  "Stopped",
  "Paused",
  "Failed",
]);
export type MySQLClusterPhase = z.infer<typeof MySQLClusterPhaseSchema>;

export const MySQLClusterStatusSchema = z
  .object({
    observedGeneration: z.int().min(0).optional(),
    phase: MySQLClusterPhaseSchema.optional(),
    replicas: z.int().min(0).optional().describe("Servers that exist (StatefulSet replicas)."),
    readyReplicas: z.int().min(0).optional().describe("Servers whose pods are Ready."),
    primary: z.string().optional().describe("Pod name of the current primary."),
    conditions: ConditionListSchema.optional(),
  })
  .describe("Observed state of a MySQL cluster.");
export type MySQLClusterStatus = z.infer<typeof MySQLClusterStatusSchema>;

/** A MySQLCluster object as read from the apiserver. */
export const MySQLClusterSchema = z.object({
  apiVersion: z.literal(MYSQL_API_VERSION),
  kind: z.literal(MySQLClusterNames.kind),
  metadata: ObjectMetaSchema,
  spec: MySQLClusterSpecSchema,
  status: MySQLClusterStatusSchema.optional(),
});
export type MySQLCluster = z.infer<typeof MySQLClusterSchema>;
