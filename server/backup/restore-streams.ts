import "server-only";
import type { ChildProcess } from "node:child_process";
import { Transform, Writable, type TransformCallback } from "node:stream";

/**
 * The line `mysqldump` writes near the top of a dump whenever it includes GTID information; it
 * would turn binary logging off for the whole load, so replicas of the restored server would not
 * receive the restored data. `SET @MYSQLDUMP_TEMP_LOG_BIN = @@SESSION.SQL_LOG_BIN;` before it and
 * `SET @@SESSION.SQL_LOG_BIN = @MYSQLDUMP_TEMP_LOG_BIN;` at the end are harmless without it.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/mysqldump.html#option_mysqldump_set-gtid-purged
 */
const DISABLE_BINLOG = /^SET @@SESSION\.SQL_LOG_BIN\s*=\s*0;[ \t]*$/gm;

/**
 * Rewrites the header of a dump so that the restore is written to the binary log (and so reaches
 * the replicas) on both engines. MariaDB dumps never turn it off; MySQL dumps do (see above).
 */
export function keepBinaryLogging(header: string): string {
  return header.replace(
    DISABLE_BINLOG,
    "-- pilothouse: binary logging stays on so that replicas receive the restore",
  );
}

/**
 * A pass-through that applies {@link keepBinaryLogging} to the first `headerBytes` of the SQL
 * text (where the tools write their session settings) and passes the rest unchanged.
 */
export class HeaderRewrite extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private done = false;

  constructor(private readonly headerBytes = 64 * 1024) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.done) return callback(null, chunk);
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= this.headerBytes) this.release();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (!this.done) this.release();
    callback();
  }

  private release(): void {
    const all = Buffer.concat(this.pending);
    this.pending = [];
    this.done = true;
    // Cut at the last line break inside the header, so no line is split by the rewrite.
    const cut = all.lastIndexOf(0x0a, this.headerBytes);
    const end = cut >= 0 ? cut + 1 : all.length;
    // latin1 maps every byte to one character and back: data bytes that are not UTF-8 survive.
    this.push(Buffer.from(keepBinaryLogging(all.subarray(0, end).toString("latin1")), "latin1"));
    if (end < all.length) this.push(all.subarray(end));
  }
}

/**
 * A writable that feeds a child process's stdin with back-pressure. When it is destroyed with an
 * error (the download, the decompression or the checksum gate failed), it kills the child with
 * SIGKILL before closing stdin: a client that saw a clean end of input would apply a truncated
 * dump and exit 0.
 */
export function childInput(child: ChildProcess): Writable {
  const stdin = child.stdin;
  if (!stdin) throw new Error("the child process has no stdin pipe");
  const input = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (stdin.write(chunk)) callback();
      else stdin.once("drain", () => callback());
    },
    final(callback) {
      stdin.end(() => callback());
    },
    destroy(error, callback) {
      if (error) child.kill("SIGKILL");
      stdin.destroy();
      callback(error);
    },
  });
  stdin.on("error", (error) => input.destroy(error));
  return input;
}
