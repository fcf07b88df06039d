/**
 * MySQLCluster (`mysql.pilothouse.dev/v1alpha1`): the one source of truth for its schema.
 * The CRD YAML in `deploy/crds/` is generated from these zod schemas (`npm run generate`);
 * the TypeScript types are inferred from them; the dashboard validates forms and request bodies
 * with them. Change the schema here, nowhere else.
 *
 * A cluster is `spec.replicas` servers: one primary and `replicas - 1` replicas.
 */
import { z } from "zod";
import { ClusterBackupSchema } from "./cluster-backup";
import {
  ConditionListSchema,
  ObjectMetaSchema,
  StorageQuantitySchema,
  patternString,
  withValidations,
} from "./common";
import { MyCnfOverridesSchema } from "./mycnf";
import {
  FailoverSpecSchema,
  LastFailoverSchema,
  LastSwitchoverSchema,
  MySQLInstanceStatusListSchema,
} from "./mysql-replication";
import { ServerResourcesSchema } from "./resources";

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

/**
 * Default server version per engine: what the form pre-fills, and what the operator runs when
 * `spec.version` is unset (see {@link clusterVersion}). The CRD has no default for `version`
 * because a schema default cannot depend on `engine`.
 */
export const DEFAULT_VERSION: Record<MySQLEngine, string> = { mysql: "8.4", mariadb: "11.4" };

/** What `spec.deletionPolicy` does to a cluster's data when the cluster is deleted. */
export const DeletionPolicySchema = z.enum(["Retain", "Delete", "BackupThenDelete"]);
export type DeletionPolicy = z.infer<typeof DeletionPolicySchema>;

/**
 * The finalizer that carries out `spec.deletionPolicy`: the operator adds it to every cluster and
 * removes it once the policy is done (volumes and Secret kept, or deleted, after a final backup
 * for `BackupThenDelete`). While it cannot finish, the condition `Deleting` says why.
 */
export const MYSQL_CLUSTER_FINALIZER = "mysql.pilothouse.dev/deletion-policy";

/** Condition types of a MySQLCluster besides the common and replication ones. */
export const ClusterConditionType = {
  /** Set while a deleted cluster's finalizer works through `spec.deletionPolicy`. */
  Deleting: "Deleting",
  /** Whether the cluster's backups succeed and are recent enough for its schedules. */
  BackupHealthy: "BackupHealthy",
} as const;

const VERSION_PATTERN = /^[0-9]+\.[0-9]+(\.[0-9]+)?$/;

/** Checked only for well-formed versions, so that a malformed one gets one message. */
const VERSION_RULE = {
  rule:
    "!has(self.version) || !self.version.matches(r'^[0-9]+\\.[0-9]+(\\.[0-9]+)?$') || (self.engine == 'mysql' ? self.version.matches(r'^8\\.4(\\.[0-9]+)?$') : " +
    "self.version.matches(r'^(1[0-9]|[2-9][0-9])\\.'))",
  message:
    "version must be 8.4 or 8.4.x for engine mysql (MySQL 8.4 LTS), and 10.x or later for engine mariadb",
  fieldPath: ".version",
};

const BACKUP_THEN_DELETE_RULE = {
  rule: "self.deletionPolicy != 'BackupThenDelete' || (has(self.backup) && has(self.backup.storages) && size(self.backup.storages) > 0)",
  message: "deletionPolicy BackupThenDelete needs at least one storage in spec.backup.storages",
  fieldPath: ".deletionPolicy",
};

/** CEL: the version a spec (`self` or `oldSelf`) runs, `spec.version` or the engine's default. */
function celVersion(spec: "self" | "oldSelf"): string {
  return `(has(${spec}.version) ? ${spec}.version : (${spec}.engine == 'mysql' ? '${DEFAULT_VERSION.mysql}' : '${DEFAULT_VERSION.mariadb}'))`;
}

/**
 * Refuses lowering the server version (major, then minor, then patch when both name one; an
 * unset version counts as the engine's default). A server cannot start on a data directory a
 * newer version has upgraded, and neither MySQL nor MariaDB supports in-place downgrades.
 * Checked only when both versions are well formed and the engine is unchanged (other rules
 * report those). zod cannot see the old object, so only the apiserver enforces this one.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/downgrading.html
 * @see https://mariadb.com/kb/en/downgrading-between-major-versions-of-mariadb/
 */
const VERSION_DOWNGRADE_RULE = (() => {
  const [v, o] = [celVersion("self"), celVersion("oldSelf")];
  const [n, p] = [`${v}.split('.')`, `${o}.split('.')`];
  const part = (list: string, i: number) => `int(${list}[${i}])`;
  const wellFormed = (version: string) => `${version}.matches(r'^[0-9]+\\.[0-9]+(\\.[0-9]+)?$')`;
  const notLower =
    `${part(n, 0)} > ${part(p, 0)} || (${part(n, 0)} == ${part(p, 0)} && ` +
    `(${part(n, 1)} > ${part(p, 1)} || (${part(n, 1)} == ${part(p, 1)} && ` +
    `(size(${n}) < 3 || size(${p}) < 3 || ${part(n, 2)} >= ${part(p, 2)}))))`;
  return {
    rule: `self.engine != oldSelf.engine || !${wellFormed(v)} || !${wellFormed(o)} || ${notLower}`,
    message:
      "spec.version cannot be lowered: a server cannot run on data a newer version has written; restore a backup into a new cluster instead",
    messageExpression:
      `'spec.version cannot be lowered from ' + ${o} + ' to ' + ${v} + ` +
      "': a server cannot run on data a newer version has written; restore a backup into a new cluster instead'",
    fieldPath: ".version",
  };
})();

/** True when `version` is one `engine` can run (the zod twin of the CRD's VERSION_RULE). */
export function versionFitsEngine(engine: MySQLEngine, version: string): boolean {
  if (!VERSION_PATTERN.test(version)) return true; // the format rule reports it
  return engine === "mysql"
    ? /^8\.4(\.[0-9]+)?$/.test(version)
    : /^(1[0-9]|[2-9][0-9])\./.test(version);
}

/** `spec.progressDeadlineSeconds` when unset: 10 minutes, as a Deployment's. */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

export const MySQLClusterSpecSchema = z
  .object({
    engine: MySQLEngineSchema.default("mysql")
      .meta({
        // The data directory belongs to one engine: switching would start the other server on it.
        "x-kubernetes-validations": [
          {
            rule: "self == oldSelf",
            message:
              "cannot change once the cluster exists: create a new cluster and restore a backup into it",
          },
        ],
      })
      .describe("Server engine: mysql (MySQL 8.4 LTS) or mariadb. Cannot change."),
    version: patternString(
      VERSION_PATTERN,
      "must be a server version such as 8.4 or 8.4.3 (major.minor[.patch])",
      32,
    )
      .optional()
      .describe(
        "Server version, major.minor or major.minor.patch: 8.4[.x] for mysql, 10.x or later for mariadb. Unset: 8.4 for mysql, 11.4 for mariadb.",
      ),
    image: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .describe("Server container image; <engine>:<version> (the official images) when unset."),
    replicas: z
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(9, "must be at most 9")
      .default(3)
      .describe("Number of servers: one primary and replicas - 1 read replicas."),
    storage: z
      .object({
        // A StatefulSet's volume claim templates are immutable and volume expansion is not
        // implemented yet: refuse the change up front instead of failing the rollout.
        size: withValidations(StorageQuantitySchema, {
          rule: "self == oldSelf",
          message:
            "cannot change yet: resizing the volumes of an existing cluster is not supported",
        }).describe("Size of each server's data volume, e.g. 10Gi. Cannot change yet."),
        storageClassName: z
          .string()
          .min(1)
          .optional()
          .describe(
            "StorageClass of the data volumes; the cluster default when unset. Cannot change.",
          ),
      })
      .meta({
        // On the object, so that setting or removing the class is refused too, not only a change.
        "x-kubernetes-validations": [
          {
            rule: "(has(self.storageClassName) ? self.storageClassName : '') == (has(oldSelf.storageClassName) ? oldSelf.storageClassName : '')",
            message: "cannot change once the cluster exists",
            fieldPath: ".storageClassName",
          },
        ],
      })
      .describe("Persistent storage of each server."),
    stopped: z
      .boolean()
      .default(false)
      .describe("Stop the cluster: scale servers to zero and keep every volume and Secret."),
    resources: ServerResourcesSchema.optional().describe(
      "CPU and memory requests and limits of each server container.",
    ),
    mycnf: MyCnfOverridesSchema.optional().describe(
      "Server settings added to my.cnf ([mysqld]), e.g. max_connections: '500'. Settings the operator owns (server_id, gtid_mode, log_bin, read_only, rpl_semi_sync_*, ...) are refused.",
    ),
    deletionPolicy: DeletionPolicySchema.default("Retain").describe(
      "What deleting the cluster does to its data: Retain keeps volumes and backups, Delete removes them, BackupThenDelete takes a final backup first.",
    ),
    backup: ClusterBackupSchema.optional().describe("Backup storages and schedules."),
    failover: FailoverSpecSchema.prefault({}),
    progressDeadlineSeconds: z
      .int("must be a whole number")
      .min(30, "must be at least 30")
      // Optional in the type (objects built in code may omit it; the operator reads 600 then),
      // defaulted by the apiserver through the CRD schema.
      .optional()
      .meta({ default: DEFAULT_PROGRESS_DEADLINE_SECONDS })
      .describe(
        "Seconds the cluster may take to become Ready after a spec change (or creation, or a start) before the operator reports Progressing=False with reason ProgressDeadlineExceeded and Degraded=True, like a Deployment's progress deadline.",
      ),
  })
  .superRefine((spec, context) => {
    if (spec.version !== undefined && !versionFitsEngine(spec.engine, spec.version)) {
      context.addIssue({ code: "custom", path: ["version"], message: VERSION_RULE.message });
    }
    if (spec.deletionPolicy === "BackupThenDelete" && (spec.backup?.storages.length ?? 0) === 0) {
      context.addIssue({
        code: "custom",
        path: ["deletionPolicy"],
        message: BACKUP_THEN_DELETE_RULE.message,
      });
    }
  })
  .meta({
    "x-kubernetes-validations": [VERSION_RULE, BACKUP_THEN_DELETE_RULE, VERSION_DOWNGRADE_RULE],
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
  "Deleting",
]);
export type MySQLClusterPhase = z.infer<typeof MySQLClusterPhaseSchema>;

/** One finished MySQLBackup of the cluster, as the cluster's status names it. */
export const BackupRecordSchema = z.object({
  name: z.string().describe("Name of the MySQLBackup (same namespace)."),
  completedAt: z.iso.datetime({ offset: true }).describe("When the run finished."),
});
export type BackupRecord = z.infer<typeof BackupRecordSchema>;

export const MySQLClusterStatusSchema = z
  .object({
    observedGeneration: z.int().min(0).optional(),
    phase: MySQLClusterPhaseSchema.optional(),
    replicas: z.int().min(0).optional().describe("Servers that exist (StatefulSet replicas)."),
    readyReplicas: z.int().min(0).optional().describe("Servers whose pods are Ready."),
    primary: z
      .string()
      .optional()
      .describe("Pod name of the current primary: the operator's record of the topology."),
    primaryGtid: z
      .string()
      .optional()
      .describe("GTID set the primary had executed when last seen (used to judge failovers)."),
    instances: MySQLInstanceStatusListSchema.optional().describe("Each server, as last probed."),
    lastFailover: LastFailoverSchema.optional().describe("The last automatic failover."),
    lastSwitchover: LastSwitchoverSchema.optional().describe("The last switchover request."),
    progressingSince: z.iso
      .datetime({ offset: true })
      .optional()
      .describe(
        "When the operator started waiting for the current spec to be rolled out; spec.progressDeadlineSeconds counts from here. Absent once rolled out.",
      ),
    lastSuccessfulBackup: BackupRecordSchema.optional().describe(
      "The MySQLBackup of this cluster that succeeded last.",
    ),
    lastFailedBackup: BackupRecordSchema.optional().describe(
      "The MySQLBackup of this cluster that failed last.",
    ),
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

/** The server version a cluster runs: `spec.version`, or the engine's default. */
export function clusterVersion(spec: Pick<MySQLClusterSpec, "engine" | "version">): string {
  return spec.version ?? DEFAULT_VERSION[spec.engine];
}

/** The server image a cluster runs: `spec.image`, or the official `<engine>:<version>`. */
export function clusterImage(spec: Pick<MySQLClusterSpec, "engine" | "version" | "image">): string {
  return spec.image ?? `${spec.engine}:${clusterVersion(spec)}`;
}
