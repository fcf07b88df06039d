import "server-only";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import type { S3Client } from "@aws-sdk/client-s3";
import type { Logger } from "pino";
import { clientCommand } from "./commands";
import { withOptionFile, type DatabaseConnection } from "./connection";
import { BackupError, BackupErrorCode, describeError, mapStorageError } from "./errors";
import { defaultBackupLogger } from "./log";
import { readManifest } from "./manifest";
import { HeaderRewrite, childInput } from "./restore-streams";
import { timesSince, type RestoreResult } from "./result";
import {
  backupLocation,
  createS3Client,
  getObjectStream,
  type BackupObjectLocation,
} from "./storage";
import { DigestStream, GatedStream, describeExit, spawnTool } from "./streams";
import { verifyStoredObject, type VerifiedObject, type VerifyOptions } from "./verify";

/** How far a restore is: compressed bytes read and applied, out of the object's size. */
export interface RestoreProgress {
  bytesApplied: number;
  totalBytes: number;
}

/** One restore run. */
/** What to restore: a backup as {@link VerifyOptions} names it, into `connection`. */
export interface RestoreOptions extends VerifyOptions {
  /** The server to restore into (the primary: the restore is binary-logged, replicas follow). */
  connection: DatabaseConnection;
  /** Called at most every `progressIntervalMs` (default 2000 ms) and once at the end. */
  onProgress?: (progress: RestoreProgress) => void;
  progressIntervalMs?: number;
}

/**
 * Restores a backup into a server. Never applies a corrupt backup: a first pass verifies the
 * stored object (size and sha256, see {@link verifyStoredObject}); the second pass reads the same
 * object version (`If-Match` on the verified ETag), gunzips it and feeds the SQL to the engine's
 * client (`mysql` / `mariadb`), hashing again on the way; the client gets the end of its input
 * only if that hash matches too, and is killed otherwise.
 *
 * The dump drops and re-creates each database it contains, so afterwards those databases equal
 * their state at backup time; other databases of the server are left alone. Stop writes to the
 * restored databases first. Never throws: failures come back as a `Failed` result.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/reloading-sql-format-dumps.html
 * @see https://mariadb.com/kb/en/restoring-data-from-dump-files/
 */
export async function runRestore(options: RestoreOptions): Promise<RestoreResult> {
  const started = new Date();
  const log = (options.log ?? defaultBackupLogger()).child({ module: "backup/restore" });
  let location: BackupObjectLocation | undefined;
  try {
    location = backupLocation(options.storage, options.name);
    const client = options.client ?? createS3Client(options.storage);
    let expected = options.expected;
    if (!expected) {
      const manifest = await readManifest(client, location);
      if (manifest.engine !== options.connection.engine) {
        throw new BackupError(
          BackupErrorCode.InvalidConfig,
          `${location.url} is a ${manifest.engine} backup; it cannot be restored into ${options.connection.engine}`,
        );
      }
      expected = manifest;
    }
    const verified = await verifyStoredObject(client, location, expected);
    log.info({ url: location.url, sizeBytes: verified.sizeBytes }, "backup verified, applying");
    const bytesApplied = await apply(client, location, verified, options, log);
    return {
      operation: "restore",
      phase: "Succeeded",
      ...timesSince(started),
      bucket: location.bucket,
      key: location.key,
      url: location.url,
      sizeBytes: verified.sizeBytes,
      sha256: verified.sha256,
      bytesApplied,
    };
  } catch (error) {
    const described = describeError(error, BackupErrorCode.RestoreFailed);
    log.error({ url: location?.url, error: described }, "restore failed");
    return {
      operation: "restore",
      phase: "Failed",
      ...timesSince(started),
      url: location?.url,
      error: described,
    };
  }
}

/** The apply pass; returns the compressed bytes applied. */
async function apply(
  client: S3Client,
  location: BackupObjectLocation,
  verified: VerifiedObject,
  options: RestoreOptions,
  log: Logger,
): Promise<number> {
  const body = await getObjectStream(
    client,
    location.bucket,
    location.key,
    verified.etag || undefined,
  );
  const interval = options.progressIntervalMs ?? 2000;
  let reported = 0;
  const digest = new DigestStream((bytes) => {
    if (Date.now() - reported < interval) return;
    reported = Date.now();
    options.onProgress?.({ bytesApplied: bytes, totalBytes: verified.sizeBytes });
    log.info({ bytesApplied: bytes, totalBytes: verified.sizeBytes }, "restore in progress");
  });
  const checksumGate = new GatedStream(() => {
    const sha256 = digest.sha256();
    if (sha256 === verified.sha256 && digest.bytes === verified.sizeBytes) return Promise.resolve();
    return Promise.reject(
      new BackupError(
        BackupErrorCode.ChecksumMismatch,
        `checksum mismatch while restoring ${location.url}: read sha256 ${sha256} (${digest.bytes} bytes), verified ${verified.sha256}; the client was stopped before the end, the databases may be partly restored`,
      ),
    );
  });

  await withOptionFile(options.connection, async (optionFile) => {
    const command = clientCommand(options.connection.engine, optionFile);
    const tool = spawnTool(command, "pipe");
    let streamError: unknown;
    await pipeline(
      body,
      digest,
      createGunzip(),
      new HeaderRewrite(),
      checksumGate,
      childInput(tool.child),
    ).catch((error: unknown) => {
      streamError = error;
      tool.child.kill("SIGKILL");
    });
    const status = await tool.exited;
    if (streamError === undefined && status.code === 0) return;
    if (status.code !== 0 && !(streamError instanceof BackupError) && status.signal !== "SIGKILL") {
      throw new BackupError(
        BackupErrorCode.RestoreFailed,
        `${describeExit(command.program, status, tool.stderr())} (the databases may be partly restored)`,
        { cause: streamError },
      );
    }
    if (streamError instanceof BackupError) throw streamError;
    if (isZlibError(streamError)) {
      throw new BackupError(
        BackupErrorCode.ChecksumMismatch,
        `${location.url} is not a valid gzip stream: ${(streamError as Error).message}`,
        { cause: streamError },
      );
    }
    throw mapStorageError(streamError, location.url);
  });
  options.onProgress?.({ bytesApplied: digest.bytes, totalBytes: verified.sizeBytes });
  return digest.bytes;
}

function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("Z_");
}
