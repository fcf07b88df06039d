import "server-only";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import type { Logger } from "pino";
import type { BackupStorage } from "@/lib/crds/backup-storage";
import { BackupError, BackupErrorCode, describeError, mapStorageError } from "./errors";
import { defaultBackupLogger } from "./log";
import { readManifest } from "./manifest";
import { timesSince, type VerifyResult } from "./result";
import {
  backupLocation,
  createS3Client,
  getObjectStream,
  headObject,
  type BackupObjectLocation,
} from "./storage";
import { DigestStream } from "./streams";

/** What a stored backup must be: the size and sha256 recorded when it was taken. */
export interface ExpectedObject {
  /** Size of the stored (compressed) object, in bytes. */
  sizeBytes: number;
  /** Hex sha256 of the stored object. */
  sha256: string;
}

/** A stored object that passed verification. */
export interface VerifiedObject extends ExpectedObject {
  /** The ETag read; a later GET with `If-Match` gets the very same bytes. */
  etag: string;
}

/**
 * Checks that the object at `location` is there and intact: HEAD must report `expected.sizeBytes`,
 * and a streamed GET (constant memory) must hash to `expected.sha256`.
 *
 * @throws BackupError `NotFound` (no object), `SizeMismatch`, `ChecksumMismatch`, `AuthFailed`,
 *   `StorageUnreachable` or `StorageError`.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
 */
export async function verifyStoredObject(
  client: S3Client,
  location: BackupObjectLocation,
  expected: ExpectedObject,
): Promise<VerifiedObject> {
  const head = await headObject(client, location.bucket, location.key);
  if (head.sizeBytes !== expected.sizeBytes) {
    throw new BackupError(
      BackupErrorCode.SizeMismatch,
      `backup object ${location.url} is ${head.sizeBytes} bytes, but ${expected.sizeBytes} bytes were recorded: the object was replaced or truncated`,
    );
  }
  const body = await getObjectStream(client, location.bucket, location.key, head.etag || undefined);
  const digest = new DigestStream();
  try {
    await pipeline(body, digest, discard());
  } catch (error) {
    throw mapStorageError(error, location.url);
  }
  const sha256 = digest.sha256();
  if (digest.bytes !== expected.sizeBytes) {
    throw new BackupError(
      BackupErrorCode.SizeMismatch,
      `reading ${location.url} returned ${digest.bytes} bytes, but ${expected.sizeBytes} bytes were recorded`,
    );
  }
  if (sha256 !== expected.sha256) {
    throw new BackupError(
      BackupErrorCode.ChecksumMismatch,
      `checksum mismatch for ${location.url}: stored object has sha256 ${sha256}, the backup recorded ${expected.sha256}: the object is corrupted`,
    );
  }
  return { sizeBytes: digest.bytes, sha256, etag: head.etag };
}

/** A sink that drops what it is given. */
function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}

/** What to verify: the backup `name` in `storage`, against `expected` or its manifest. */
export interface VerifyOptions {
  storage: BackupStorage;
  /** The backup's name under the storage prefix (see `backupLocation`). */
  name: string;
  /** Recorded size and sha256 (from the MySQLBackup status); the manifest's when omitted. */
  expected?: ExpectedObject;
  log?: Logger;
  /** A client to reuse; one is created from `storage` otherwise. */
  client?: S3Client;
}

/**
 * Verifies a stored backup (see {@link verifyStoredObject}). Never throws: failures come back as
 * a `Failed` result whose `error.code` says why.
 */
export async function runVerify(options: VerifyOptions): Promise<VerifyResult> {
  const started = new Date();
  const log = (options.log ?? defaultBackupLogger()).child({ module: "backup/verify" });
  let location: BackupObjectLocation | undefined;
  try {
    location = backupLocation(options.storage, options.name);
    const client = options.client ?? createS3Client(options.storage);
    const expected = options.expected ?? (await readManifest(client, location));
    const verified = await verifyStoredObject(client, location, expected);
    log.info({ url: location.url, sizeBytes: verified.sizeBytes }, "backup verified");
    return {
      operation: "verify",
      phase: "Succeeded",
      ...timesSince(started),
      bucket: location.bucket,
      key: location.key,
      url: location.url,
      sizeBytes: verified.sizeBytes,
      sha256: verified.sha256,
    };
  } catch (error) {
    const described = describeError(error, BackupErrorCode.StorageError);
    log.error({ url: location?.url, error: described }, "verification failed");
    return {
      operation: "verify",
      phase: "Failed",
      ...timesSince(started),
      url: location?.url,
      error: described,
    };
  }
}
