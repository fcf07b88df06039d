/**
 * Backups that must end as Failed with a clear error, against a real MariaDB server and a real S3
 * server: a corrupted object, a replaced object, a missing object, a missing bucket, wrong
 * credentials, and a dump that fails after parts were already uploaded. A corrupted backup is
 * never applied.
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { Connection } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackupStorage } from "@/lib/crds/backup-storage";
import { runBackup } from "@/server/backup/backup";
import { runRestore } from "@/server/backup/restore";
import type { BackupSucceeded, JobFailed } from "@/server/backup/result";
import { createS3Client } from "@/server/backup/storage";
import { runVerify } from "@/server/backup/verify";
import {
  connect,
  createTestBucket,
  deleteTestBucket,
  multipartUploads,
  seedDatabase,
  startBackupPlatform,
  tableChecksums,
  type BackupPlatform,
} from "./backup-platform";

const SCHEMA = "pilothouse_backup_fail";

let platform: BackupPlatform;
let storage: BackupStorage;
let client: S3Client;
let db: Connection;
let good: BackupSucceeded;

function expectFailed(result: { phase: string }, code: string, message: RegExp): void {
  expect(result.phase).toBe("Failed");
  const failed = result as JobFailed;
  expect(failed.error.code).toBe(code);
  expect(failed.error.message).toMatch(message);
}

beforeAll(async () => {
  platform = await startBackupPlatform();
  ({ storage, client } = await createTestBucket(platform, "backup-fail"));
  db = await connect(platform.database);
  await seedDatabase(db, SCHEMA, 6);
  const result = await runBackup({
    connection: platform.database,
    storage,
    name: "ns/fail/good",
    databases: [SCHEMA],
  });
  if (result.phase !== "Succeeded") throw new Error(JSON.stringify(result.error));
  good = result;
});

afterAll(async () => {
  // Each step runs even when another fails (e.g. the server was restarted under the test).
  const steps = await Promise.allSettled([
    client && storage ? deleteTestBucket(client, storage.bucket) : Promise.resolve(),
    db ? db.query(`DROP DATABASE IF EXISTS \`${SCHEMA}\``).finally(() => db.end()) : undefined,
  ]);
  const failed = steps.find((step) => step.status === "rejected");
  if (failed) throw failed.reason;
});

/** Copies the good backup's object to `name`, changing it with `corrupt`. */
async function storeCopy(name: string, corrupt: (bytes: Buffer) => Buffer): Promise<void> {
  const object = await client.send(new GetObjectCommand({ Bucket: storage.bucket, Key: good.key }));
  const bytes = Buffer.from(await object.Body!.transformToByteArray());
  await client.send(
    new PutObjectCommand({
      Bucket: storage.bucket,
      Key: `${storage.prefix}/${name}.sql.gz`,
      Body: corrupt(bytes),
    }),
  );
}

describe("a corrupted or replaced object", () => {
  it("fails verification and is never applied", async () => {
    // Same size, one byte flipped in the middle: only the checksum can tell.
    await storeCopy("ns/fail/corrupt", (bytes) => {
      const copy = Buffer.from(bytes);
      copy[copy.length >> 1] = (copy[copy.length >> 1] ?? 0) ^ 0xff;
      return copy;
    });
    const expected = { sizeBytes: good.sizeBytes, sha256: good.sha256 };
    const verify = await runVerify({ storage, name: "ns/fail/corrupt", expected });
    expectFailed(
      verify,
      "ChecksumMismatch",
      /checksum mismatch .*corrupt.*the object is corrupted/,
    );

    await db.query(`UPDATE \`${SCHEMA}\`.orders SET amount = amount * 2 WHERE id < 100`);
    const changed = await tableChecksums(db, SCHEMA);
    const restore = await runRestore({
      connection: platform.database,
      storage,
      name: "ns/fail/corrupt",
      expected,
    });
    expectFailed(restore, "ChecksumMismatch", /checksum mismatch/);
    expect(await tableChecksums(db, SCHEMA)).toEqual(changed);
  });

  it("fails with a size mismatch when the object was replaced by a shorter one", async () => {
    await storeCopy("ns/fail/truncated", (bytes) => bytes.subarray(0, bytes.length - 1000));
    const verify = await runVerify({
      storage,
      name: "ns/fail/truncated",
      expected: { sizeBytes: good.sizeBytes, sha256: good.sha256 },
    });
    expectFailed(
      verify,
      "SizeMismatch",
      new RegExp(`${good.sizeBytes - 1000} bytes, but ${good.sizeBytes}`),
    );
  });
});

describe("a missing object or bucket", () => {
  it("reports not found for a backup that was never stored", async () => {
    const expected = { sizeBytes: good.sizeBytes, sha256: good.sha256 };
    const verify = await runVerify({ storage, name: "ns/fail/never", expected });
    expectFailed(verify, "NotFound", /ns\/fail\/never\.sql\.gz not found \(NoSuchKey\)/);
    const withoutRecord = await runVerify({ storage, name: "ns/fail/never" });
    expectFailed(
      withoutRecord,
      "NotFound",
      /backup .*never\.sql\.gz not found: there is no manifest/,
    );
    const restore = await runRestore({
      connection: platform.database,
      storage,
      name: "ns/fail/never",
      expected,
    });
    expectFailed(restore, "NotFound", /not found/);
  });

  it("reports a bucket that does not exist", async () => {
    const result = await runBackup({
      connection: platform.database,
      storage: { ...storage, bucket: `${storage.bucket}-gone` },
      name: "ns/fail/nobucket",
      databases: [SCHEMA],
    });
    expectFailed(result, "NotFound", /does not exist \(NoSuchBucket\)/);
  });
});

describe("wrong credentials", () => {
  const wrongSecret = () => ({
    ...storage,
    credentials: { ...storage.credentials, secretAccessKey: "not-the-secret" },
  });
  const unknownKey = () => ({
    ...storage,
    credentials: { accessKeyId: "pilothouse-unknown", secretAccessKey: "not-the-secret" },
  });

  it("fail a backup with an authentication error naming the cause", async () => {
    const common = { connection: platform.database, databases: [SCHEMA], name: "ns/fail/auth" };
    expectFailed(
      await runBackup({ ...common, storage: wrongSecret() }),
      "AuthFailed",
      /SignatureDoesNotMatch/,
    );
    expectFailed(
      await runBackup({ ...common, storage: unknownKey() }),
      "AuthFailed",
      /InvalidAccessKeyId/,
    );
    await expect(
      client.send(
        new HeadObjectCommand({
          Bucket: storage.bucket,
          Key: `${storage.prefix}/ns/fail/auth.sql.gz`,
        }),
      ),
    ).rejects.toMatchObject({ name: "NotFound" });
  });

  it("fail verification and restore with an authentication error", async () => {
    const expected = { sizeBytes: good.sizeBytes, sha256: good.sha256 };
    const verify = await runVerify({ storage: wrongSecret(), name: "ns/fail/good", expected });
    expectFailed(verify, "AuthFailed", /SignatureDoesNotMatch/);
    const restore = await runRestore({
      connection: platform.database,
      storage: unknownKey(),
      name: "ns/fail/good",
    });
    expectFailed(restore, "AuthFailed", /InvalidAccessKeyId/);
  });
});

describe("a dump that fails after parts were uploaded", () => {
  it("fails with the tool's error and leaves no object and no multipart upload", async () => {
    // A client of its own that records the S3 operations it sends.
    const recording = createS3Client(storage);
    const sent: string[] = [];
    recording.middlewareStack.add(
      (next, context) => (args) => {
        sent.push(context.commandName ?? "");
        return next(args);
      },
      { step: "initialize" },
    );
    // mariadb-dump writes the first database completely, then stops at the unknown one.
    const result = await runBackup({
      connection: platform.database,
      storage,
      client: recording,
      name: "ns/fail/midway",
      databases: [SCHEMA, "pilothouse_no_such_database"],
      partSizeBytes: 5 * 1024 * 1024,
    });
    expectFailed(
      result,
      "DumpFailed",
      /mariadb-dump exited with code 2: .*Unknown database 'pilothouse_no_such_database'/,
    );
    expect(sent).toContain("CreateMultipartUploadCommand");
    expect(sent).toContain("UploadPartCommand");
    expect(sent).toContain("AbortMultipartUploadCommand");
    expect(sent).not.toContain("CompleteMultipartUploadCommand");
    await expect(
      client.send(
        new HeadObjectCommand({
          Bucket: storage.bucket,
          Key: `${storage.prefix}/ns/fail/midway.sql.gz`,
        }),
      ),
    ).rejects.toMatchObject({ name: "NotFound" });
    expect(await multipartUploads(client, storage.bucket)).toEqual([]);
  });

  it("stops the dump and aborts the upload when S3 fails a part", async () => {
    // Fault injection on the client side: the first UploadPart fails as if S3 answered 500.
    // Everything else (the multipart upload, its abort, the dump) is real.
    const faulty = createS3Client(storage);
    const sent: string[] = [];
    faulty.middlewareStack.add(
      (next, context) => (args) => {
        sent.push(context.commandName ?? "");
        if (context.commandName === "UploadPartCommand") {
          const error = Object.assign(new Error("We encountered an internal error."), {
            name: "InternalError",
            $metadata: { httpStatusCode: 500 },
          });
          return Promise.reject(error);
        }
        return next(args);
      },
      { step: "initialize" },
    );
    const result = await runBackup({
      connection: platform.database,
      storage,
      client: faulty,
      name: "ns/fail/s3-part",
      databases: [SCHEMA],
      partSizeBytes: 5 * 1024 * 1024,
    });
    expectFailed(result, "StorageError", /failed \(InternalError, HTTP 500\): We encountered/);
    expect(sent).toContain("AbortMultipartUploadCommand");
    await expect(
      client.send(
        new HeadObjectCommand({
          Bucket: storage.bucket,
          Key: `${storage.prefix}/ns/fail/s3-part.sql.gz`,
        }),
      ),
    ).rejects.toMatchObject({ name: "NotFound" });
    expect(await multipartUploads(client, storage.bucket)).toEqual([]);
  });

  it("fails clearly when the database refuses the login", async () => {
    const result = await runBackup({
      connection: { ...platform.database, password: "wrong-password" },
      storage,
      name: "ns/fail/login",
    });
    expectFailed(result, "DatabaseUnavailable", /Access denied for user 'root'/);
  });
});
