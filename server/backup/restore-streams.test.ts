import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { HeaderRewrite, keepBinaryLogging } from "./restore-streams";

const MYSQL_HEADER = `/*!40101 SET NAMES utf8mb4 */;
SET @MYSQLDUMP_TEMP_LOG_BIN = @@SESSION.SQL_LOG_BIN;
SET @@SESSION.SQL_LOG_BIN= 0;
CREATE DATABASE x;
`;

async function rewrite(chunks: Buffer[], headerBytes: number): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(chunks),
    new HeaderRewrite(headerBytes),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        out.push(chunk);
        callback();
      },
    }),
  );
  return Buffer.concat(out);
}

describe("keepBinaryLogging", () => {
  it("drops only mysqldump's statement that turns binary logging off", () => {
    const text = keepBinaryLogging(MYSQL_HEADER);
    expect(text).not.toMatch(/^SET @@SESSION\.SQL_LOG_BIN= 0;$/m);
    expect(text).toContain("SET @MYSQLDUMP_TEMP_LOG_BIN = @@SESSION.SQL_LOG_BIN;");
    expect(text).toContain("CREATE DATABASE x;");
  });

  it("leaves a MariaDB header alone", () => {
    const header =
      "/*!40101 SET NAMES utf8mb4 */;\n-- CHANGE MASTER TO MASTER_USE_GTID=slave_pos;\n";
    expect(keepBinaryLogging(header)).toBe(header);
  });
});

describe("HeaderRewrite", () => {
  it("rewrites the header even when it arrives byte by byte, and passes the rest unchanged", async () => {
    const body = "INSERT INTO t VALUES (1);\n".repeat(100);
    const input = Buffer.from(MYSQL_HEADER + body);
    const chunks = [...input].map((byte) => Buffer.from([byte]));
    const output = (await rewrite(chunks, 128)).toString("latin1");
    expect(output).not.toMatch(/^SET @@SESSION\.SQL_LOG_BIN= 0;$/m);
    expect(output.endsWith(body)).toBe(true);
  });

  it("keeps bytes that are not UTF-8 exactly as they were", async () => {
    const data = Buffer.from([0xe9, 0xff, 0x0a]);
    const raw = Buffer.concat([Buffer.from(MYSQL_HEADER), data, Buffer.from("end\n")]);
    const output = await rewrite([raw], 1024);
    const expected = Buffer.concat([
      Buffer.from(keepBinaryLogging(MYSQL_HEADER)),
      data,
      Buffer.from("end\n"),
    ]);
    expect(output.equals(expected)).toBe(true);
  });
});
