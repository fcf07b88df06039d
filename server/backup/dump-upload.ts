import "server-only";
import { PassThrough } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Logger } from "pino";
import type { BackupPosition } from "@/lib/crds/backup-storage";
import { dumpCommand } from "./commands";
import { withOptionFile, type DatabaseConnection } from "./connection";
import { BackupError, BackupErrorCode, mapStorageError } from "./errors";
import { HeadTailCapture, parseDumpPosition } from "./position";
import { abortMultipartUploads, checkBucketAccess, type BackupObjectLocation } from "./storage";
import { DigestStream, GatedStream, describeExit, spawnTool, type ExitStatus } from "./streams";

/** S3's smallest part size for a multipart upload (all parts but the last), in bytes. */
export const MIN_PART_SIZE_BYTES = 5 * 1024 * 1024;

/** How the dump is compressed and uploaded. */
export interface UploadTuning {
  /** Multipart part size in bytes, at least 5 MiB; default 16 MiB (objects up to ~156 GiB). */
  partSizeBytes?: number;
  /** Parts uploaded at once; default 2. Memory is about partSize × (queueSize + 1). */
  queueSize?: number;
  /** gzip level 1 (fastest) to 9 (smallest); default 6. */
  compressionLevel?: number;
}

/** What the streaming dump produced. */
export interface UploadedDump {
  /** Size of the stored (compressed) object, in bytes. */
  sizeBytes: number;
  /** Hex sha256 of the stored object, computed while uploading. */
  sha256: string;
  /** Size of the SQL text before compression, in bytes. */
  dumpBytes: number;
  position: BackupPosition;
}

/**
 * Runs the engine's dump tool and streams its output through gzip and a sha256/byte counter into
 * a multipart upload at `location.key`, in constant memory. The upload is completed only after the
 * tool has exited with code 0 (the end of its output is held back until then); on any failure the
 * tool is stopped and the multipart upload aborted, so no partial object is ever stored.
 *
 * @throws BackupError `DumpFailed` (tool failed, or no replication position in its output), or a
 *   storage error from {@link mapStorageError}.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html
 * @see https://github.com/aws/aws-sdk-js-v3/tree/main/lib/lib-storage
 */
export async function dumpToStorage(
  client: S3Client,
  location: BackupObjectLocation,
  connection: DatabaseConnection,
  databases: string[],
  tuning: UploadTuning,
  log: Logger,
): Promise<UploadedDump> {
  const partSize = Math.max(MIN_PART_SIZE_BYTES, tuning.partSizeBytes ?? 16 * 1024 * 1024);
  return withOptionFile(connection, async (optionFile) => {
    const command = dumpCommand(connection.engine, optionFile, databases);
    log.info({ program: command.program, databases, url: location.url }, "dump started");
    const tool = spawnTool(command);
    const capture = new HeadTailCapture();
    let exit: ExitStatus | undefined;
    const gate = new GatedStream(
      async () => {
        exit = await tool.exited;
        if (exit.code !== 0) {
          throw new BackupError(
            BackupErrorCode.DumpFailed,
            describeExit(command.program, exit, tool.stderr()),
          );
        }
      },
      (chunk) => capture.push(chunk),
    );
    const digest = new DigestStream();
    const body = new PassThrough();
    const upload = new Upload({
      client,
      params: {
        Bucket: location.bucket,
        Key: location.key,
        Body: body,
        ContentType: "application/gzip",
      },
      partSize,
      queueSize: tuning.queueSize ?? 2,
      leavePartsOnError: false,
    });

    let failure: unknown;
    let stoppedByUs = false;
    const fail = (error: unknown) => {
      failure ??= error;
      if (tool.child.exitCode === null && tool.child.signalCode === null) {
        stoppedByUs = true;
        tool.child.kill("SIGTERM");
      }
      body.destroy(error instanceof Error ? error : new Error(String(error)));
    };
    const progress = setInterval(() => {
      log.info({ dumpBytes: capture.total, uploadedBytes: digest.bytes }, "dump in progress");
    }, 10_000);
    try {
      await Promise.all([
        pipeline(
          tool.child.stdout!,
          gate,
          createGzip({ level: tuning.compressionLevel ?? 6 }),
          digest,
          body,
        ).catch(fail),
        upload.done().catch(fail),
      ]);
    } finally {
      clearInterval(progress);
    }
    const status = exit ?? (await tool.exited);
    if (failure !== undefined) {
      const aborted = await abortMultipartUploads(client, location.bucket, location.key).catch(
        (error: unknown) => {
          const reason = mapStorageError(error, location.url).message;
          log.warn({ url: location.url, reason }, "could not list or abort multipart uploads");
          return 0;
        },
      );
      if (aborted > 0)
        log.warn({ aborted, url: location.url }, "aborted leftover multipart uploads");
      if (status.code !== 0 && !stoppedByUs) {
        throw failure instanceof BackupError
          ? failure
          : new BackupError(
              BackupErrorCode.DumpFailed,
              describeExit(command.program, status, tool.stderr()),
              { cause: failure },
            );
      }
      throw await diagnose(client, location, mapStorageError(failure, location.url));
    }
    const position = parseDumpPosition(connection.engine, capture.head(), capture.tail());
    return { sizeBytes: digest.bytes, sha256: digest.sha256(), dumpBytes: capture.total, position };
  });
}

/**
 * A connection that broke off during an upload may hide an S3 error (servers may answer a PUT they
 * refuse and close the connection before the client has read the answer): ask the bucket once
 * more and prefer its precise error.
 */
async function diagnose(
  client: S3Client,
  location: BackupObjectLocation,
  error: BackupError,
): Promise<BackupError> {
  if (error.code !== BackupErrorCode.StorageUnreachable) return error;
  return checkBucketAccess(client, location.bucket, location.key).then(
    () => error,
    (probe: BackupError) => (probe.code === BackupErrorCode.StorageUnreachable ? error : probe),
  );
}
