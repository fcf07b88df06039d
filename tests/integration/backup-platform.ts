/**
 * The real services the backup integration tests run against: MariaDB instance 1 and the S3 server
 * (VersityGW) of the local platform, started with the project's scripts for the profile in
 * `PILOTHOUSE_PROFILE` (`dev` by default, `test` under `./pilothouse test`, any other with its
 * `PILOTHOUSE_PORT_OFFSET`), plus helpers to fill a database with data that does not compress
 * away and to compare it by `CHECKSUM TABLE`.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { createConnection, type Connection, type RowDataPacket } from "mysql2/promise";
import type { BackupStorage } from "@/lib/crds/backup-storage";
import type { DatabaseConnection } from "@/server/backup/connection";
import { createS3Client } from "@/server/backup/storage";
import { REPO_ROOT } from "./support/kube-admin";

const run = promisify(execFile);

/** `$STATE` of platform/scripts/common.sh for the current profile. */
export function platformState(): string {
  const cache =
    process.env.PILOTHOUSE_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "pilothouse");
  return (
    process.env.PILOTHOUSE_STATE ?? join(cache, "state", process.env.PILOTHOUSE_PROFILE ?? "dev")
  );
}

function readEnvFile(path: string): Record<string, string> {
  const entries = readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.includes("="))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]);
  return Object.fromEntries(entries) as Record<string, string>;
}

export interface BackupPlatform {
  /** Root on MariaDB instance 1 over TCP. */
  database: DatabaseConnection;
  /** The S3 server's root account, without a bucket yet. */
  s3: Omit<BackupStorage, "bucket">;
}

/**
 * The profile's port offset, as platform/scripts/common.sh computes it: PILOTHOUSE_PORT_OFFSET
 * when set (any profile), else 0 for `dev` and 100 for `test`.
 *
 * @throws Error when PILOTHOUSE_PORT_OFFSET is not a whole number, or is missing for a profile
 *   other than `dev` and `test` (common.sh refuses those too).
 */
export function platformPortOffset(): number {
  const profile = process.env.PILOTHOUSE_PROFILE ?? "dev";
  const raw = process.env.PILOTHOUSE_PORT_OFFSET;
  if (raw === undefined || raw === "") {
    if (profile === "dev") return 0;
    if (profile === "test") return 100;
    throw new Error(`profile '${profile}' needs PILOTHOUSE_PORT_OFFSET (dev uses 0, test 100)`);
  }
  if (!/^\d+$/.test(raw)) throw new Error(`PILOTHOUSE_PORT_OFFSET=${raw} is not a whole number`);
  return Number(raw);
}

/** MariaDB instance 1's port: 13306 plus the profile's offset (platform/scripts/common.sh). */
function mariadbPort(): number {
  return 13306 + platformPortOffset();
}

/** Whether instance 1 already answers with the profile's root password. */
async function mariadbAnswers(): Promise<boolean> {
  const envFile = join(platformState(), "mariadb.env");
  if (!existsSync(envFile)) return false;
  const password = readEnvFile(envFile).MARIADB_ROOT_PASSWORD ?? "";
  const database = {
    engine: "mariadb",
    host: "127.0.0.1",
    port: mariadbPort(),
    user: "root",
    password,
  } as const;
  return connect(database).then(
    (db) => db.end().then(() => true),
    () => false,
  );
}

/**
 * Starts (or finds running) MariaDB instance 1 and the S3 server with the platform scripts, which
 * are idempotent, and returns how to reach them. `mariadb.sh start` is not run when instance 1
 * already answers: it would rewrite MARIADB_ADDRESSES to one instance under the feet of tests
 * that started more.
 */
export async function startBackupPlatform(): Promise<BackupPlatform> {
  const scripts = join(REPO_ROOT, "platform", "scripts");
  if (!(await mariadbAnswers())) {
    await run(join(scripts, "mariadb.sh"), ["start", "1"], { timeout: 170_000 });
  }
  await run(join(scripts, "s3.sh"), ["start"], { timeout: 170_000 });
  const dbEnv = readEnvFile(join(platformState(), "mariadb.env"));
  const s3Env = readEnvFile(join(platformState(), "s3.env"));
  return {
    database: {
      engine: "mariadb",
      host: "127.0.0.1",
      port: mariadbPort(),
      user: "root",
      password: dbEnv.MARIADB_ROOT_PASSWORD ?? "",
    },
    s3: {
      endpoint: s3Env.S3_ENDPOINT,
      region: s3Env.S3_REGION ?? "us-east-1",
      prefix: "backups",
      forcePathStyle: true,
      credentials: {
        accessKeyId: s3Env.S3_ACCESS_KEY_ID ?? "",
        secretAccessKey: s3Env.S3_SECRET_ACCESS_KEY ?? "",
      },
    },
  };
}

/** Creates a bucket of its own for one test file and returns the storage and a client. */
export async function createTestBucket(
  platform: BackupPlatform,
  label: string,
): Promise<{ storage: BackupStorage; client: S3Client }> {
  const bucket = `pilothouse-${label}-${randomBytes(4).toString("hex")}`;
  const storage: BackupStorage = { ...platform.s3, bucket };
  const client = createS3Client(storage);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return { storage, client };
}

/** Unfinished multipart uploads in the bucket. */
export async function multipartUploads(client: S3Client, bucket: string) {
  return (await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? [];
}

/** Removes every object and unfinished upload of the bucket, then the bucket. */
export async function deleteTestBucket(client: S3Client, bucket: string): Promise<void> {
  for (const upload of await multipartUploads(client, bucket)) {
    await client.send(
      new AbortMultipartUploadCommand({
        Bucket: bucket,
        Key: upload.Key,
        UploadId: upload.UploadId,
      }),
    );
  }
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
    }
    token = page.NextContinuationToken;
  } while (token);
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

export function connect(database: DatabaseConnection): Promise<Connection> {
  return createConnection({
    host: database.host,
    port: database.port,
    user: database.user,
    password: database.password,
    multipleStatements: true,
  });
}

/**
 * (Re)creates `schema` with three tables, a view and a function: `customers` (UTF-8 names),
 * `orders` (decimals, enums, dates) and `attachments` (`blobMiB` MiB of random bytes, so that the
 * compressed dump is about as large).
 */
export async function seedDatabase(db: Connection, schema: string, blobMiB: number): Promise<void> {
  await db.query(`DROP DATABASE IF EXISTS \`${schema}\`; CREATE DATABASE \`${schema}\`;
    USE \`${schema}\`;
    CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100) CHARACTER SET utf8mb4 NOT NULL,
      email VARCHAR(200) NOT NULL, created_at DATETIME(3) NOT NULL) ENGINE=InnoDB;
    CREATE TABLE orders (id BIGINT PRIMARY KEY AUTO_INCREMENT, customer_id INT NOT NULL,
      amount DECIMAL(12,2) NOT NULL, status ENUM('new','paid','shipped') NOT NULL, note TEXT,
      KEY (customer_id)) ENGINE=InnoDB;
    CREATE TABLE attachments (id INT PRIMARY KEY, payload MEDIUMBLOB NOT NULL) ENGINE=InnoDB;
    CREATE VIEW order_totals AS SELECT customer_id, SUM(amount) AS total FROM orders GROUP BY customer_id;
    CREATE FUNCTION vat(amount DECIMAL(12,2)) RETURNS DECIMAL(12,2) DETERMINISTIC RETURN amount * 1.2;`);
  const names = ["Zoë", "Björk", "Nguyễn", "李小龙", "O'Brien", 'Quote"Marks', "back\\slash"];
  for (let batch = 0; batch < 5; batch++) {
    const rows = Array.from({ length: 1000 }, (_, i) => {
      const id = batch * 1000 + i + 1;
      return [
        id,
        `${names[id % names.length]} ${id}`,
        `c${id}@example.test`,
        new Date(1.7e12 + id * 1000),
      ];
    });
    await db.query(`INSERT INTO \`${schema}\`.customers VALUES ?`, [rows]);
  }
  const statuses = ["new", "paid", "shipped"];
  for (let batch = 0; batch < 10; batch++) {
    const rows = Array.from({ length: 2000 }, (_, i) => [
      ((i * 7 + batch) % 5000) + 1,
      ((i * 31 + batch * 17) % 100000) / 100,
      statuses[i % 3],
      i % 5 === 0 ? null : randomBytes(24).toString("base64"),
    ]);
    await db.query(
      `INSERT INTO \`${schema}\`.orders (customer_id, amount, status, note) VALUES ?`,
      [rows],
    );
  }
  const blobSize = 64 * 1024;
  const count = Math.ceil((blobMiB * 1024 * 1024) / blobSize);
  for (let id = 1; id <= count; id += 16) {
    const rows = Array.from({ length: Math.min(16, count - id + 1) }, (_, i) => [
      id + i,
      randomBytes(blobSize),
    ]);
    await db.query(`INSERT INTO \`${schema}\`.attachments VALUES ?`, [rows]);
  }
}

export const SEEDED_TABLES = ["attachments", "customers", "orders"];

/** `CHECKSUM TABLE` of every base table of `schema`, by table name. */
export async function tableChecksums(
  db: Connection,
  schema: string,
): Promise<Record<string, string>> {
  const [tables] = await db.query<RowDataPacket[]>(
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
    [schema],
  );
  const result: Record<string, string> = {};
  for (const { name } of tables as Array<{ name: string }>) {
    const [rows] = await db.query<RowDataPacket[]>(`CHECKSUM TABLE \`${schema}\`.\`${name}\``);
    result[name] = String((rows[0] as { Checksum: unknown }).Checksum);
  }
  return result;
}
