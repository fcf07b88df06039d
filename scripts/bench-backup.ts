/**
 * Backup and restore throughput on the local platform (MariaDB instance 1 and the S3 server of
 * the profile in PILOTHOUSE_PROFILE, started by the platform scripts if needed):
 *
 *   node --conditions=react-server --import tsx scripts/bench-backup.ts [--mb 100] [--level 6]
 *
 * Generates about `--mb` MB of table data (half random bytes that do not compress, half text and
 * numbers), backs it up through the engine (dump → gzip → multipart upload → verification read)
 * and restores it (verification read → gunzip → client), and prints MB/s for each. Not part of
 * the test suite: run it on demand. 1 MB = 10^6 bytes.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import type { RowDataPacket } from "mysql2/promise";
import { runBackup } from "../server/backup/backup";
import { createBackupLogger } from "../server/backup/log";
import { runRestore } from "../server/backup/restore";
import {
  connect,
  createTestBucket,
  deleteTestBucket,
  startBackupPlatform,
} from "../tests/integration/backup-platform";

const SCHEMA = "pilothouse_bench";
const MB = 1_000_000;

const { values } = parseArgs({
  options: { mb: { type: "string", default: "100" }, level: { type: "string", default: "6" } },
});
const targetMB = Number(values.mb);
const level = Number(values.level);
if (!(targetMB > 0) || !(level >= 1 && level <= 9))
  throw new Error("usage: --mb <n> --level <1-9>");

const words = "primary replica switchover failover binlog gtid snapshot restore backup".split(" ");

/** About 1 KB per row: 512 random bytes, a sentence, numbers and a date. */
function rows(first: number, count: number): unknown[][] {
  return Array.from({ length: count }, (_, i) => {
    const id = first + i;
    const note = Array.from({ length: 60 }, (_, w) => words[(id * 7 + w * 3) % words.length]).join(
      " ",
    );
    return [
      id,
      id % 10_000,
      (id % 100_000) / 100,
      new Date(1.7e12 + id * 1000),
      note,
      randomBytes(512),
    ];
  });
}

async function main(): Promise<void> {
  const platform = await startBackupPlatform();
  const { storage, client } = await createTestBucket(platform, "bench");
  const db = await connect(platform.database);
  const log = createBackupLogger("warn");
  try {
    await db.query(`DROP DATABASE IF EXISTS ${SCHEMA}; CREATE DATABASE ${SCHEMA};
      CREATE TABLE ${SCHEMA}.events (id INT PRIMARY KEY, account INT NOT NULL,
        amount DECIMAL(12,2) NOT NULL, at DATETIME NOT NULL, note TEXT NOT NULL,
        payload VARBINARY(512) NOT NULL, KEY (account)) ENGINE=InnoDB`);
    const total = Math.ceil((targetMB * MB) / 1000);
    const fillStart = Date.now();
    for (let id = 1; id <= total; id += 1000) {
      await db.query(`INSERT INTO ${SCHEMA}.events VALUES ?`, [
        rows(id, Math.min(1000, total - id + 1)),
      ]);
    }
    await db.query(`ANALYZE TABLE ${SCHEMA}.events`); // refreshes DATA_LENGTH
    const [sizes] = await db.query<RowDataPacket[]>(
      "SELECT SUM(DATA_LENGTH + INDEX_LENGTH) AS bytes FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?",
      [SCHEMA],
    );
    const tableMB = Number(sizes[0]?.bytes) / MB;
    console.log(
      `data: ${total} rows, ${tableMB.toFixed(1)} MB in InnoDB (filled in ${((Date.now() - fillStart) / 1000).toFixed(1)} s)`,
    );

    const backup = await runBackup({
      connection: platform.database,
      storage,
      name: "bench/run",
      databases: [SCHEMA],
      compressionLevel: level,
      log,
    });
    if (backup.phase !== "Succeeded") throw new Error(`backup failed: ${backup.error.message}`);
    const dumpMB = backup.dumpBytes / MB;
    const objectMB = backup.sizeBytes / MB;
    console.log(
      `backup:  ${backup.durationSeconds.toFixed(1)} s, SQL ${dumpMB.toFixed(1)} MB -> gzip -${level} ${objectMB.toFixed(1)} MB; ` +
        `${(dumpMB / backup.durationSeconds).toFixed(1)} MB/s of SQL, ${(tableMB / backup.durationSeconds).toFixed(1)} MB/s of table data (dump, upload and verification read)`,
    );

    const restore = await runRestore({
      connection: platform.database,
      storage,
      name: "bench/run",
      expected: { sizeBytes: backup.sizeBytes, sha256: backup.sha256 },
      log,
    });
    if (restore.phase !== "Succeeded") throw new Error(`restore failed: ${restore.error.message}`);
    console.log(
      `restore: ${restore.durationSeconds.toFixed(1)} s; ` +
        `${(dumpMB / restore.durationSeconds).toFixed(1)} MB/s of SQL, ${(tableMB / restore.durationSeconds).toFixed(1)} MB/s of table data (verification read, download and apply)`,
    );
  } finally {
    await db.query(`DROP DATABASE IF EXISTS ${SCHEMA}`);
    await db.end();
    await deleteTestBucket(client, storage.bucket);
  }
}

await main();
