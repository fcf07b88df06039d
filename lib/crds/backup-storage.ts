/**
 * Where MySQL backups are stored: an S3-compatible bucket, and the binary log / GTID position a
 * backup was taken at. One source of truth for the backup engine (`server/backup/`) and, later,
 * the `MySQLCluster.spec.backup.storages[]` and `MySQLBackup.status` schemas of the CRDs.
 *
 * The CRD should embed {@link BackupStorageLocationSchema} and reference a Secret for the keys;
 * the engine receives the resolved {@link BackupStorageSchema} (location plus keys).
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 * @see https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/s3-example-creating-buckets.html
 */
import { z } from "zod";
import { patternString } from "./common";

/** An S3 bucket name: 3-63 characters, lower case letters, digits, dots and hyphens. */
export const BucketNameSchema = patternString(
  /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  "must be an S3 bucket name: 3-63 lower case letters, digits, '.' or '-', starting and ending with a letter or digit",
  63,
);

/**
 * A key prefix inside the bucket, e.g. `prod/mysql/`. No leading slash; the engine adds a
 * trailing slash when the prefix does not end with one. Empty means the bucket's root.
 */
export const KeyPrefixSchema = patternString(
  /^([^/][^\n]*)?$/,
  "must not start with '/' or contain line breaks",
  512,
);

/** Where backups go, without credentials: what a cluster's spec may carry. */
export const BackupStorageLocationSchema = z.object({
  endpoint: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional()
    .describe("S3 endpoint URL, e.g. https://s3.eu-west-1.amazonaws.com; AWS S3 when omitted."),
  region: z.string().min(1).max(64).default("us-east-1").describe("S3 region used for signing."),
  bucket: BucketNameSchema.describe("Bucket that holds the backups; it must exist."),
  prefix: KeyPrefixSchema.default("").describe("Key prefix for every object of this storage."),
  forcePathStyle: z
    .boolean()
    .default(false)
    .describe("Address buckets as <endpoint>/<bucket> instead of <bucket>.<endpoint>."),
  caBundle: z
    .string()
    .max(65536)
    .optional()
    .describe("PEM certificates trusted for the endpoint's TLS, in addition to the system's."),
});
export type BackupStorageLocation = z.infer<typeof BackupStorageLocationSchema>;

/** An S3 access key pair. Never logged, never written to a status. */
export const BackupStorageCredentialsSchema = z.object({
  accessKeyId: z.string().min(1).max(256),
  secretAccessKey: z.string().min(1).max(256),
});
export type BackupStorageCredentials = z.infer<typeof BackupStorageCredentialsSchema>;

/** A storage as the backup engine uses it: the location plus the keys read from its Secret. */
export const BackupStorageSchema = BackupStorageLocationSchema.extend({
  credentials: BackupStorageCredentialsSchema,
});
export type BackupStorage = z.infer<typeof BackupStorageSchema>;

/**
 * The replication position a backup is consistent with: restoring it and replaying the binary
 * log from here (or replicating from this GTID state) loses and repeats nothing.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-concepts.html
 * @see https://mariadb.com/kb/en/gtid/
 */
export const BackupPositionSchema = z.object({
  binlogFile: z.string().min(1).describe("Binary log file of the source at the snapshot."),
  binlogPosition: z.int().min(0).describe("Offset in bytes in binlogFile."),
  gtid: z
    .string()
    .describe(
      "MySQL: the gtid_executed set at the snapshot; MariaDB: the GTID position (gtid_binlog_pos). Empty when the server has no GTID history.",
    ),
});
export type BackupPosition = z.infer<typeof BackupPositionSchema>;
