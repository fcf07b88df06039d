/**
 * `spec.backup` of a MySQLCluster: named S3 storages and cron schedules with retention. Each
 * schedule run creates one MySQLBackup (`<cluster>-<schedule>-<yyyymmddhhmm>`, UTC), so every run
 * has its own record; retention deletes old successful runs and their objects.
 *
 * Cross-field rules (a schedule names an existing storage) are checked by zod and, in the
 * generated CRD, by CEL; names are unique because both lists are `x-kubernetes-list-type: map`
 * keyed by `name` (the apiserver answers `Duplicate value`).
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
 */
import { CronExpressionParser } from "cron-parser";
import { z } from "zod";
import { BackupStorageLocationSchema } from "./backup-storage";
import { patternString } from "./common";

/** A storage or schedule name: a DNS-1123 label of at most 32 characters. */
export const BackupItemNameSchema = patternString(
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
  "must consist of lower case letters, digits or '-', and start and end with a letter or digit",
  32,
);

/** A reference to one key of a Secret in the cluster's namespace. */
const SecretKeyRefShape = {
  name: z.string().min(1).max(253).describe("Name of a Secret in the cluster's namespace."),
};

/** Where the S3 keys are: a Secret in the cluster's namespace and the names of its two keys. */
export const S3CredentialsSecretRefSchema = z.object({
  ...SecretKeyRefShape,
  accessKeyIdKey: z
    .string()
    .min(1)
    .max(253)
    .default("accessKeyId")
    .describe("Key of the access key ID."),
  secretAccessKeyKey: z
    .string()
    .min(1)
    .max(253)
    .default("secretAccessKey")
    .describe("Key of the secret access key."),
});
export type S3CredentialsSecretRef = z.infer<typeof S3CredentialsSecretRefSchema>;

/** One S3-compatible storage of a cluster's spec: the location plus Secret references. */
export const S3StorageSpecSchema = BackupStorageLocationSchema.omit({ caBundle: true }).extend({
  credentialsSecretRef: S3CredentialsSecretRefSchema.describe(
    "Secret holding the access key pair; read by the operator and by backup Jobs.",
  ),
  caBundleSecretRef: z
    .object({
      ...SecretKeyRefShape,
      key: z.string().min(1).max(253).default("ca.crt").describe("Key holding the PEM bundle."),
    })
    .optional()
    .describe("Secret holding PEM certificates trusted for the endpoint's TLS."),
});
export type S3StorageSpec = z.infer<typeof S3StorageSpecSchema>;

export const BackupStorageSpecSchema = z.object({
  name: BackupItemNameSchema.describe("Name that schedules and MySQLBackups refer to."),
  s3: S3StorageSpecSchema.describe("An S3-compatible bucket."),
});
export type BackupStorageSpec = z.infer<typeof BackupStorageSpecSchema>;

/** Five space-separated cron fields: minute, hour, day of month, month, day of week. */
const CRON_PATTERN = /^[0-9A-Za-z*/,?#-]+( [0-9A-Za-z*/,?#-]+){4}$/;

/**
 * A five-field cron expression, evaluated in UTC. Checked by cron-parser in zod; the CRD checks
 * the shape (five fields) with CEL, and the operator refuses what cron-parser cannot read.
 */
export const CronScheduleSchema = patternString(
  CRON_PATTERN,
  "must be a cron schedule of five space-separated fields (minute hour day-of-month month day-of-week), e.g. '0 2 * * *'",
  100,
).superRefine((expression, context) => {
  if (!CRON_PATTERN.test(expression)) return;
  try {
    CronExpressionParser.parse(expression, { strict: false });
  } catch (error) {
    context.addIssue({
      code: "custom",
      message: `is not a valid cron schedule: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
});

const DURATION_PATTERN = /^([0-9]{1,6}[smhdw])+$/;
const DURATION_UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Seconds in a duration such as `36h`, `7d` or `1w2d`; undefined when it is not one. */
export function durationSeconds(text: string): number | undefined {
  if (!DURATION_PATTERN.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/([0-9]+)([smhdw])/g)) {
    total += Number(amount) * (DURATION_UNIT_SECONDS[unit ?? ""] ?? 0);
  }
  return total;
}

export const RetentionSchema = z
  .object({
    keepLast: z
      .int()
      .min(1, "must be at least 1")
      .max(1000, "must be at most 1000")
      .optional()
      .describe("Keep this many newest successful runs of the schedule."),
    maxAge: patternString(
      DURATION_PATTERN,
      "must be a duration such as 36h, 7d or 2w (units s, m, h, d, w)",
      32,
    )
      .optional()
      .describe("Delete successful runs older than this, e.g. 7d."),
  })
  .refine((r) => r.keepLast !== undefined || r.maxAge !== undefined, {
    message: "must set keepLast, maxAge or both",
  })
  .meta({
    "x-kubernetes-validations": [
      {
        rule: "has(self.keepLast) || has(self.maxAge)",
        message: "must set keepLast, maxAge or both",
      },
    ],
  });
export type Retention = z.infer<typeof RetentionSchema>;

export const BackupScheduleSchema = z.object({
  name: BackupItemNameSchema.describe("Part of each run's MySQLBackup name."),
  cron: CronScheduleSchema.describe("When to back up: five cron fields, in UTC."),
  storageName: BackupItemNameSchema.describe("Name of one of spec.backup.storages."),
  retention: RetentionSchema.optional().describe(
    "Which successful runs to keep: a run kept by either rule is kept, and the newest successful run always is; every successful run is kept when unset. Of failed runs the newest 3 are kept.",
  ),
  suspend: z.boolean().default(false).describe("Create no new runs while true."),
});
export type BackupSchedule = z.infer<typeof BackupScheduleSchema>;

const listMap = { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"] };

const STORAGE_REFERENCE_RULE = {
  rule: "!has(self.schedules) || self.schedules.all(s, has(self.storages) && self.storages.exists(t, t.name == s.storageName))",
  message: "every schedules[].storageName must be the name of one of spec.backup.storages",
  fieldPath: ".schedules",
};

/** `spec.backup`: where backups go and when they are taken. */
export const ClusterBackupSchema = z
  .object({
    storages: z
      .array(BackupStorageSpecSchema)
      .max(8, "must have at most 8 storages")
      .default([])
      .meta(listMap)
      .describe("S3 storages that MySQLBackups and schedules may use."),
    schedules: z
      .array(BackupScheduleSchema)
      .max(16, "must have at most 16 schedules")
      .default([])
      .meta(listMap)
      .describe("Backup schedules; each run creates one MySQLBackup."),
  })
  .superRefine((backup, context) => {
    const duplicates = (names: string[]) => names.filter((n, i) => names.indexOf(n) !== i);
    for (const name of duplicates(backup.storages.map((s) => s.name))) {
      context.addIssue({
        code: "custom",
        path: ["storages"],
        message: `duplicate storage ${name}`,
      });
    }
    for (const name of duplicates(backup.schedules.map((s) => s.name))) {
      context.addIssue({
        code: "custom",
        path: ["schedules"],
        message: `duplicate schedule ${name}`,
      });
    }
    const storages = new Set(backup.storages.map((s) => s.name));
    backup.schedules.forEach((schedule, index) => {
      if (storages.has(schedule.storageName)) return;
      context.addIssue({
        code: "custom",
        path: ["schedules", index, "storageName"],
        message: `schedule ${schedule.name} refers to storage ${schedule.storageName}, which is not in spec.backup.storages`,
      });
    });
  })
  .meta({ "x-kubernetes-validations": [STORAGE_REFERENCE_RULE] });
export type ClusterBackup = z.infer<typeof ClusterBackupSchema>;
