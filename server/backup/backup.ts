import "server-only";
import type { S3Client } from "@aws-sdk/client-s3";
import type { Logger } from "pino";
import type { BackupStorage } from "@/lib/crds/backup-storage";
import { inspectServer, type DatabaseConnection } from "./connection";
import { dumpToStorage, type UploadTuning } from "./dump-upload";
import { BackupErrorCode, describeError } from "./errors";
import { defaultBackupLogger } from "./log";
import { MANIFEST_KIND, writeManifest } from "./manifest";
import { timesSince, type BackupResult } from "./result";
import {
  backupLocation,
  checkBucketAccess,
  createS3Client,
  type BackupObjectLocation,
} from "./storage";
import { verifyStoredObject } from "./verify";

/** One backup run. */
export interface BackupOptions extends UploadTuning {
  /** The server to dump: the primary, or a replica that is in sync. */
  connection: DatabaseConnection;
  storage: BackupStorage;
  /**
   * The backup's name under the storage prefix, e.g. `<namespace>/<cluster>/<backup>`; the dump
   * is stored as `<prefix><name>.sql.gz` and its manifest as `<prefix><name>.sql.gz.manifest.json`.
   */
  name: string;
  /** Databases to dump; every user database of the server when omitted. */
  databases?: string[];
  log?: Logger;
  /** A client to reuse; one is created from `storage` otherwise. */
  client?: S3Client;
}

/**
 * Takes a consistent logical backup of a MySQL 8.4 or MariaDB server into S3-compatible storage:
 *
 * 1. reads the server version and its user databases, checking the engine;
 * 2. streams the dump (one consistent snapshot, with its binary log coordinates and GTID state)
 *    through gzip into a multipart upload, computing size and sha256 on the way
 *    (see {@link dumpToStorage});
 * 3. verifies the stored object: HEAD size and a re-read sha256 must match what was uploaded;
 * 4. only then writes the manifest `<key>.manifest.json`, so a manifest marks a verified backup.
 *
 * Never throws: any failure comes back as a `Failed` result with an error code and message, and
 * leaves no multipart upload behind. `Succeeded` means the object is stored and intact.
 *
 * The database user needs SELECT, SHOW VIEW, TRIGGER, EVENT, RELOAD and REPLICATION CLIENT (and on
 * MySQL 8.4, SHOW_ROUTINE for routines). The S3 credentials need s3:ListBucket (the pre-flight
 * check), s3:PutObject, s3:GetObject, s3:ListBucketMultipartUploads and s3:AbortMultipartUpload.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/mysqldump.html
 * @see https://mariadb.com/kb/en/mariadb-dump/
 */
export async function runBackup(options: BackupOptions): Promise<BackupResult> {
  const started = new Date();
  const log = (options.log ?? defaultBackupLogger()).child({ module: "backup/backup" });
  let location: BackupObjectLocation | undefined;
  try {
    location = backupLocation(options.storage, options.name);
    const server = await inspectServer(options.connection);
    const databases = options.databases ?? server.databases;
    const client = options.client ?? createS3Client(options.storage);
    await checkBucketAccess(client, location.bucket, location.key);
    const dump = await dumpToStorage(client, location, options.connection, databases, options, log);
    log.info(
      { url: location.url, sizeBytes: dump.sizeBytes, dumpBytes: dump.dumpBytes },
      "dump uploaded, verifying",
    );
    await verifyStoredObject(client, location, dump);
    const times = timesSince(started);
    await writeManifest(client, location, {
      kind: MANIFEST_KIND,
      formatVersion: 1,
      engine: options.connection.engine,
      serverVersion: server.version,
      databases,
      bucket: location.bucket,
      key: location.key,
      compression: "gzip",
      sizeBytes: dump.sizeBytes,
      sha256: dump.sha256,
      dumpBytes: dump.dumpBytes,
      position: dump.position,
      startedAt: times.startedAt,
      completedAt: times.completedAt,
    });
    log.info({ url: location.url, position: dump.position }, "backup succeeded");
    return {
      operation: "backup",
      phase: "Succeeded",
      ...times,
      bucket: location.bucket,
      key: location.key,
      url: location.url,
      manifestKey: location.manifestKey,
      sizeBytes: dump.sizeBytes,
      sha256: dump.sha256,
      dumpBytes: dump.dumpBytes,
      engine: options.connection.engine,
      serverVersion: server.version,
      databases,
      position: dump.position,
    };
  } catch (error) {
    const described = describeError(error, BackupErrorCode.DumpFailed);
    log.error({ url: location?.url, error: described }, "backup failed");
    return {
      operation: "backup",
      phase: "Failed",
      ...timesSince(started),
      url: location?.url,
      error: described,
    };
  }
}
