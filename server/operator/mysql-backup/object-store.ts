import "server-only";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import type { Logger } from "pino";
import type { BackupStorage } from "@/lib/crds/backup-storage";
import type { BackupLocation } from "@/lib/crds/mysql-backup";
import { BackupErrorCode, mapStorageError } from "@/server/backup/errors";
import { readManifest, type BackupManifest } from "@/server/backup/manifest";
import type { VerifyResult } from "@/server/backup/result";
import { backupLocation, createS3Client } from "@/server/backup/storage";
import { runVerify, type ExpectedObject } from "@/server/backup/verify";

/**
 * What the MySQLBackup controller does in object storage. The real one talks S3 with the
 * storage's credentials; unit tests pass their own.
 */
export interface BackupObjectStore {
  /** Reads the object back and checks size and sha256 (see `runVerify`); never throws. */
  verify(storage: BackupStorage, name: string, expected: ExpectedObject): Promise<VerifyResult>;
  /**
   * The manifest the backup command stored beside the object.
   *
   * @throws BackupError `NotFound` when there is none; storage errors otherwise.
   */
  readManifest(storage: BackupStorage, name: string): Promise<BackupManifest>;
  /**
   * Deletes the dump and its manifest; deleting what is already gone succeeds.
   *
   * @throws BackupError `AuthFailed`, `StorageUnreachable`, `StorageError`.
   */
  deleteObject(storage: BackupStorage, location: BackupLocation): Promise<void>;
}

/** The {@link BackupObjectStore} over S3, one client per call (credentials may rotate). */
export function s3ObjectStore(log: Logger): BackupObjectStore {
  return {
    verify: (storage, name, expected) => runVerify({ storage, name, expected, log }),

    async readManifest(storage, name) {
      const client = createS3Client(storage);
      try {
        return await readManifest(client, backupLocation(storage, name));
      } finally {
        client.destroy();
      }
    },

    async deleteObject(storage, location) {
      const client = createS3Client(storage);
      try {
        for (const key of [location.key, `${location.key}.manifest.json`]) {
          try {
            await client.send(new DeleteObjectCommand({ Bucket: location.bucket, Key: key }));
          } catch (error) {
            const mapped = mapStorageError(error, `s3://${location.bucket}/${key}`);
            // Nothing to delete (no such key, or no such bucket): the object is gone.
            if (mapped.code !== BackupErrorCode.NotFound) throw mapped;
          }
        }
      } finally {
        client.destroy();
      }
    },
  };
}
