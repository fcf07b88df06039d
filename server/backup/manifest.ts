import "server-only";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import { BackupPositionSchema } from "@/lib/crds/backup-storage";
import { MySQLEngineSchema } from "@/lib/crds/mysql-cluster";
import { BackupError, BackupErrorCode, mapStorageError } from "./errors";
import type { BackupObjectLocation } from "./storage";
import { getObjectStream } from "./storage";

/** Identifies the manifest format; bump `formatVersion` on an incompatible change. */
export const MANIFEST_KIND = "pilothouse.dev/mysql-logical-backup";

/**
 * The manifest stored beside every dump as `<key>.manifest.json`: the run's record in storage,
 * enough to verify and restore the dump without the Kubernetes objects that created it.
 */
export const BackupManifestSchema = z.object({
  kind: z.literal(MANIFEST_KIND),
  formatVersion: z.literal(1),
  engine: MySQLEngineSchema,
  /** `SELECT VERSION()` of the dumped server. */
  serverVersion: z.string(),
  databases: z.array(z.string()),
  bucket: z.string(),
  key: z.string(),
  compression: z.literal("gzip"),
  /** Size of the stored (compressed) object, in bytes. */
  sizeBytes: z.int().min(0),
  /** Hex sha256 of the stored (compressed) object. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Size of the SQL text before compression, in bytes. */
  dumpBytes: z.int().min(0),
  position: BackupPositionSchema,
  startedAt: z.iso.datetime(),
  completedAt: z.iso.datetime(),
});
export type BackupManifest = z.infer<typeof BackupManifestSchema>;

/** Largest manifest the engine reads, in bytes: a manifest is a few hundred bytes. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/**
 * Writes `manifest` to `location.manifestKey` (a single PUT, JSON).
 *
 * @throws BackupError from {@link mapStorageError}.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
 */
export async function writeManifest(
  client: S3Client,
  location: BackupObjectLocation,
  manifest: BackupManifest,
): Promise<void> {
  try {
    await client.send(
      new PutObjectCommand({
        Bucket: location.bucket,
        Key: location.manifestKey,
        Body: `${JSON.stringify(BackupManifestSchema.parse(manifest), null, 2)}\n`,
        ContentType: "application/json",
      }),
    );
  } catch (error) {
    throw mapStorageError(error, `s3://${location.bucket}/${location.manifestKey}`);
  }
}

/**
 * Reads and validates the manifest of the backup at `location`.
 *
 * @throws BackupError `NotFound` when there is no manifest; `ChecksumMismatch` when it is not a
 *   valid manifest or describes another object; storage errors from {@link mapStorageError}.
 */
export async function readManifest(
  client: S3Client,
  location: BackupObjectLocation,
): Promise<BackupManifest> {
  const what = `s3://${location.bucket}/${location.manifestKey}`;
  let body;
  try {
    body = await getObjectStream(client, location.bucket, location.manifestKey);
  } catch (error) {
    if (!(error instanceof BackupError) || error.code !== BackupErrorCode.NotFound) throw error;
    throw new BackupError(
      BackupErrorCode.NotFound,
      `backup ${location.url} not found: there is no manifest at ${what} (${error.message})`,
      { cause: error },
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_MANIFEST_BYTES) {
      body.destroy();
      throw new BackupError(BackupErrorCode.ChecksumMismatch, `manifest ${what} is too large`);
    }
    chunks.push(chunk);
  }
  let parsed: BackupManifest;
  try {
    parsed = BackupManifestSchema.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
  } catch (error) {
    throw new BackupError(BackupErrorCode.ChecksumMismatch, `manifest ${what} is not valid`, {
      cause: error,
    });
  }
  if (parsed.key !== location.key || parsed.bucket !== location.bucket) {
    throw new BackupError(
      BackupErrorCode.ChecksumMismatch,
      `manifest ${what} describes s3://${parsed.bucket}/${parsed.key}, not ${location.url}`,
    );
  }
  return parsed;
}
