/**
 * Backup and restore round trip against a real MariaDB server and a real S3 server (VersityGW):
 * write rows, back up (multipart), change and drop data, restore, and compare `CHECKSUM TABLE`
 * with the values at backup time; and the same through the command the backup Job runs.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Connection, RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackupStorage } from "@/lib/crds/backup-storage";
import { runBackup } from "@/server/backup/backup";
import { readManifest } from "@/server/backup/manifest";
import { runRestore, type RestoreProgress } from "@/server/backup/restore";
import { JobResultSchema, type BackupSucceeded } from "@/server/backup/result";
import { backupLocation } from "@/server/backup/storage";
import {
  SEEDED_TABLES,
  connect,
  createTestBucket,
  deleteTestBucket,
  multipartUploads,
  seedDatabase,
  startBackupPlatform,
  tableChecksums,
  type BackupPlatform,
} from "./backup-platform";
import { REPO_ROOT } from "./support/kube-admin";

const SCHEMA = "pilothouse_backup_rt";
const PART_SIZE = 5 * 1024 * 1024;

let platform: BackupPlatform;
let storage: BackupStorage;
let client: S3Client;
let db: Connection;

beforeAll(async () => {
  platform = await startBackupPlatform();
  ({ storage, client } = await createTestBucket(platform, "backup-rt"));
  db = await connect(platform.database);
  // 8 MiB of random bytes: the compressed dump needs two 5 MiB parts at least.
  await seedDatabase(db, SCHEMA, 8);
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

describe("backup and restore of a MariaDB server through S3", () => {
  let backup: BackupSucceeded;
  let atBackup: Record<string, string>;

  it("backs up with a multipart upload, verifies and records the position", async () => {
    atBackup = await tableChecksums(db, SCHEMA);
    expect(Object.keys(atBackup)).toEqual(SEEDED_TABLES);
    const [master] = await db.query<RowDataPacket[]>("SHOW MASTER STATUS");
    const [gtid] = await db.query<RowDataPacket[]>("SELECT @@gtid_binlog_pos AS gtid");

    const result = await runBackup({
      connection: platform.database,
      storage,
      name: "ns/rt/full-1",
      databases: [SCHEMA],
      partSizeBytes: PART_SIZE,
    });
    if (result.phase !== "Succeeded") throw new Error(JSON.stringify(result.error));
    backup = result;

    expect(backup.sizeBytes).toBeGreaterThan(PART_SIZE);
    expect(backup.dumpBytes).toBeGreaterThan(backup.sizeBytes);
    expect(backup.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Nothing was written during the backup, so the dump's position is the server's position.
    expect(backup.position).toEqual({
      binlogFile: master[0]?.File as string,
      binlogPosition: Number(master[0]?.Position),
      gtid: gtid[0]?.gtid as string,
    });
    const head = await client.send(
      new HeadObjectCommand({ Bucket: storage.bucket, Key: backup.key }),
    );
    expect(head.ContentLength).toBe(backup.sizeBytes);
    expect(head.ETag).toMatch(/-\d+"$/); // a multipart object's ETag ends with its part count
    expect(await multipartUploads(client, storage.bucket)).toEqual([]);

    const manifest = await readManifest(client, backupLocation(storage, "ns/rt/full-1"));
    expect(manifest).toMatchObject({
      engine: "mariadb",
      databases: [SCHEMA],
      sizeBytes: backup.sizeBytes,
      sha256: backup.sha256,
      position: backup.position,
    });
    expect(manifest.serverVersion).toMatch(/MariaDB/);
  });

  it("restores changed, deleted and dropped data to its state at backup time", async () => {
    await db.query(`USE \`${SCHEMA}\`;
      UPDATE orders SET amount = amount + 1 WHERE id % 3 = 0;
      DELETE FROM customers WHERE id > 4000;
      DROP TABLE attachments;
      DROP VIEW order_totals;
      CREATE TABLE added_later (id INT PRIMARY KEY);`);
    expect(await tableChecksums(db, SCHEMA)).not.toEqual(atBackup);

    const progress: RestoreProgress[] = [];
    const result = await runRestore({
      connection: platform.database,
      storage,
      name: "ns/rt/full-1",
      expected: { sizeBytes: backup.sizeBytes, sha256: backup.sha256 },
      onProgress: (p) => progress.push(p),
      progressIntervalMs: 0,
    });
    if (result.phase !== "Succeeded") throw new Error(JSON.stringify(result.error));
    expect(result.bytesApplied).toBe(backup.sizeBytes);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual({
      bytesApplied: backup.sizeBytes,
      totalBytes: backup.sizeBytes,
    });

    expect(await tableChecksums(db, SCHEMA)).toEqual(atBackup);
    const [views] = await db.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS n FROM \`${SCHEMA}\`.order_totals`,
    );
    expect(Number(views[0]?.n)).toBeGreaterThan(0);
    const [vat] = await db.query<RowDataPacket[]>(`SELECT \`${SCHEMA}\`.vat(10) AS v`);
    expect(vat[0]?.v).toBe("12.00");
  });
});

describe("the recorded position under concurrent writes", () => {
  it("is exactly the GTID of the last transaction in the snapshot", async () => {
    await db.query(`CREATE TABLE \`${SCHEMA}\`.ticks (id INT PRIMARY KEY) ENGINE=InnoDB`);
    // A writer commits one row per transaction and notes the GTID sequence number of each.
    const writer = await connect(platform.database);
    const seqOf = new Map<number, number>();
    let running = true;
    const writing = (async () => {
      for (let id = 1; running; id++) {
        await writer.query(`INSERT INTO \`${SCHEMA}\`.ticks VALUES (?)`, [id]);
        const [rows] = await writer.query<RowDataPacket[]>("SELECT @@last_gtid AS gtid");
        seqOf.set(id, Number(String(rows[0]?.gtid).split("-")[2]));
      }
    })();
    while (seqOf.size < 50) await new Promise((resolve) => setTimeout(resolve, 10));
    const result = await runBackup({
      connection: platform.database,
      storage,
      name: "ns/rt/concurrent",
      databases: [SCHEMA],
    });
    running = false;
    await writing;
    await writer.end();
    if (result.phase !== "Succeeded") throw new Error(JSON.stringify(result.error));

    const restored = await runRestore({
      connection: platform.database,
      storage,
      name: "ns/rt/concurrent",
    });
    expect(restored.phase).toBe("Succeeded");
    const [rows] = await db.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS n, MAX(id) AS last FROM \`${SCHEMA}\`.ticks`,
    );
    const last = Number(rows[0]?.last);
    expect(last).toBeGreaterThanOrEqual(50);
    expect(Number(rows[0]?.n)).toBe(last); // no gaps: a consistent snapshot
    expect(seqOf.size).toBeGreaterThan(last); // writes went on after the snapshot
    // gtid_binlog_pos has one domain-server-seq entry per domain; the writer's is domain 0.
    const domain0 = result.position.gtid.split(",").find((entry) => entry.startsWith("0-"));
    const position = Number(domain0?.split("-")[2]);
    expect(seqOf.get(last)).toBeLessThanOrEqual(position);
    expect(seqOf.get(last + 1)).toBeGreaterThan(position);
  });
});

describe("the backup command (what the Job runs)", () => {
  const run = promisify(execFile);
  const workDir = mkdtempSync(join(tmpdir(), "pilothouse-backup-cli-"));
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  async function cli(args: string[]) {
    const terminationLog = join(workDir, `termination-${args[0]}`);
    const { prefix, endpoint, region, forcePathStyle, bucket, credentials } = storage;
    const env = {
      ...process.env,
      PILOTHOUSE_BACKUP_ENGINE: "mariadb",
      PILOTHOUSE_BACKUP_DB_HOST: platform.database.host,
      PILOTHOUSE_BACKUP_DB_PORT: String(platform.database.port),
      PILOTHOUSE_BACKUP_DB_USER: platform.database.user,
      PILOTHOUSE_BACKUP_DB_PASSWORD: platform.database.password,
      PILOTHOUSE_BACKUP_STORAGE: JSON.stringify({
        endpoint,
        region,
        bucket,
        prefix,
        forcePathStyle,
      }),
      PILOTHOUSE_BACKUP_S3_ACCESS_KEY_ID: credentials.accessKeyId,
      PILOTHOUSE_BACKUP_S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      PILOTHOUSE_BACKUP_LOG_LEVEL: "warn",
      PILOTHOUSE_TERMINATION_LOG: terminationLog,
    };
    const node = ["--conditions=react-server", "--import", "tsx", "server/backup/cli.ts"];
    const outcome = await run(process.execPath, [...node, ...args], {
      cwd: REPO_ROOT,
      env,
      timeout: 110_000,
    }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
    const line = outcome.stdout.trim();
    expect(line.split("\n")).toHaveLength(1);
    expect(readFileSync(terminationLog, "utf8")).toBe(line);
    return { code: outcome.code, result: JobResultSchema.parse(JSON.parse(line)) };
  }

  it("backs up, verifies and restores, exiting 0 with a JSON result", async () => {
    const backup = await cli(["backup", "--name", "ns/rt/cli-1", "--database", SCHEMA]);
    expect(backup.code).toBe(0);
    expect(backup.result).toMatchObject({ operation: "backup", phase: "Succeeded" });
    if (backup.result.phase !== "Succeeded" || !("sizeBytes" in backup.result)) return;
    const { sizeBytes, sha256 } = backup.result;

    const verify = await cli([
      "verify",
      "--name",
      "ns/rt/cli-1",
      "--expected-size",
      String(sizeBytes),
      "--expected-sha256",
      sha256,
    ]);
    expect(verify).toMatchObject({ code: 0, result: { operation: "verify", phase: "Succeeded" } });

    const before = await tableChecksums(db, SCHEMA);
    await db.query(`DELETE FROM \`${SCHEMA}\`.orders WHERE id % 2 = 0`);
    const restore = await cli(["restore", "--name", "ns/rt/cli-1"]);
    expect(restore).toMatchObject({
      code: 0,
      result: { operation: "restore", phase: "Succeeded" },
    });
    expect(await tableChecksums(db, SCHEMA)).toEqual(before);
  });

  it("exits 1 with the reason when the backup does not exist", async () => {
    const verify = await cli(["verify", "--name", "ns/rt/never-taken"]);
    expect(verify.code).toBe(1);
    expect(verify.result).toMatchObject({ phase: "Failed", error: { code: "NotFound" } });
  });
});
