import "server-only";
import { Agent } from "node:https";
import { rootCertificates } from "node:tls";
import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import type { BackupStorage } from "@/lib/crds/backup-storage";
import { BackupError, BackupErrorCode, mapStorageError } from "./errors";

/** Where one backup lives: the dump object and its manifest beside it. */
export interface BackupObjectLocation {
  bucket: string;
  /** Key of the gzip-compressed dump, `<prefix><name>.sql.gz`. */
  key: string;
  /** Key of the manifest, `<key>.manifest.json`. */
  manifestKey: string;
  /** `s3://<bucket>/<key>`, for messages and status. */
  url: string;
}

/**
 * A backup's name under the storage prefix, e.g. `default/orders/orders-20260101-020000`: path
 * segments of letters, digits, `.`, `_` and `-`, separated by `/`.
 */
export const BACKUP_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/**
 * The object keys of the backup called `name` in `storage`.
 *
 * @throws BackupError `InvalidConfig` when `name` is not a valid backup name.
 */
export function backupLocation(
  storage: Pick<BackupStorage, "bucket" | "prefix">,
  name: string,
): BackupObjectLocation {
  if (!BACKUP_NAME_PATTERN.test(name) || name.length > 512) {
    throw new BackupError(
      BackupErrorCode.InvalidConfig,
      `invalid backup name '${name}': use path segments of letters, digits, '.', '_' and '-'`,
    );
  }
  const prefix =
    storage.prefix && !storage.prefix.endsWith("/") ? `${storage.prefix}/` : storage.prefix;
  const key = `${prefix}${name}.sql.gz`;
  return {
    bucket: storage.bucket,
    key,
    manifestKey: `${key}.manifest.json`,
    url: `s3://${storage.bucket}/${key}`,
  };
}

/**
 * An S3 client for `storage`. Checksums are sent and validated only when an operation requires
 * them: several S3-compatible servers reject the SDK's default CRC32 trailers, and the engine
 * checks integrity itself with sha256.
 *
 * @see https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/client/s3/
 * @see https://github.com/aws/aws-sdk-js-v3/blob/main/supplemental-docs/CLIENTS.md
 */
export function createS3Client(storage: BackupStorage): S3Client {
  return new S3Client({
    endpoint: storage.endpoint,
    region: storage.region,
    forcePathStyle: storage.forcePathStyle,
    credentials: {
      accessKeyId: storage.credentials.accessKeyId,
      secretAccessKey: storage.credentials.secretAccessKey,
    },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...(storage.caBundle
      ? {
          requestHandler: {
            httpsAgent: new Agent({ ca: [...rootCertificates, storage.caBundle], keepAlive: true }),
          },
        }
      : {}),
  });
}

/** Size and ETag of a stored object. */
export interface StoredObject {
  sizeBytes: number;
  etag: string;
}

/**
 * HEAD of an object. A HEAD error has no body, so S3 cannot say whether a 403 is a wrong key or a
 * wrong secret; on an error this asks again with a one-byte GET to get the precise error code.
 *
 * @throws BackupError `NotFound`, `AuthFailed`, `StorageUnreachable` or `StorageError`.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
 */
export async function headObject(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<StoredObject> {
  const what = `s3://${bucket}/${key}`;
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { sizeBytes: head.ContentLength ?? 0, etag: head.ETag ?? "" };
  } catch (headError) {
    const mapped = mapStorageError(headError, what);
    if (mapped.code === BackupErrorCode.StorageUnreachable) throw mapped;
    try {
      const probe = await client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, Range: "bytes=0-0" }),
      );
      (probe.Body as Readable | undefined)?.destroy();
    } catch (getError) {
      throw mapStorageError(getError, what);
    }
    throw mapped;
  }
}

/**
 * A streamed GET of an object, optionally only if its ETag is still `ifMatch` (so that a second
 * read sees the same bytes as a first one).
 *
 * @throws BackupError (see {@link mapStorageError}); `ChecksumMismatch` when the ETag changed.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
 */
export async function getObjectStream(
  client: S3Client,
  bucket: string,
  key: string,
  ifMatch?: string,
): Promise<Readable> {
  try {
    const response = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, ...(ifMatch ? { IfMatch: ifMatch } : {}) }),
    );
    if (!response.Body) throw new Error("GetObject returned no body");
    return response.Body as Readable;
  } catch (error) {
    throw mapStorageError(error, `s3://${bucket}/${key}`);
  }
}

/**
 * Aborts every unfinished multipart upload of exactly `key`, so a failed backup leaves no parts
 * behind (stored parts cost money and are invisible in object listings). Returns how many.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_AbortMultipartUpload.html
 */
export async function abortMultipartUploads(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<number> {
  const listed = await client.send(
    new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }),
  );
  const uploads = (listed.Uploads ?? []).filter((upload) => upload.Key === key && upload.UploadId);
  for (const upload of uploads) {
    await client.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: upload.UploadId }),
    );
  }
  return uploads.length;
}

/**
 * Checks that the bucket exists and the credentials may list it, with a one-key listing under
 * `prefix`. Done before a dump starts, so a wrong key or bucket fails in milliseconds instead of
 * after minutes of dumping; and after an upload broke off, to learn why (a server that refuses a
 * PUT may close the connection before its error reaches the client).
 *
 * @throws BackupError `NotFound` (NoSuchBucket), `AuthFailed`, `StorageUnreachable`, `StorageError`.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 */
export async function checkBucketAccess(
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<void> {
  try {
    await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }));
  } catch (error) {
    throw mapStorageError(error, `s3://${bucket}/${prefix}`);
  }
}
