import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import type { Command } from "./commands";

/**
 * A pass-through stream that counts bytes and computes their sha256 on the way: the "tee" between
 * the compressor and the upload, or between the download and the decompressor.
 */
export class DigestStream extends Transform {
  private readonly hash = createHash("sha256");
  /** Bytes that went through so far. */
  bytes = 0;

  constructor(private readonly onChunk?: (bytes: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onChunk?.(this.bytes);
    callback(null, chunk);
  }

  /** Hex sha256 of everything that went through; call once, after the stream finished. */
  sha256(): string {
    return this.hash.digest("hex");
  }
}

/**
 * A pass-through stream that calls `inspect` with every chunk and, at the end of its input, holds
 * back its own end until `gate` resolves, failing instead when `gate` rejects. Put it right after
 * a child process's stdout: the consumer then sees the end of the data only when the process has
 * exited successfully, so an upload of a truncated dump is never completed.
 */
export class GatedStream extends Transform {
  constructor(
    private readonly gate: () => Promise<void>,
    private readonly inspect?: (chunk: Buffer) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.inspect?.(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.gate().then(
      () => callback(),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }
}

/** How a child process ended. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A spawned tool with its exit and the end of its stderr. */
export interface RunningTool {
  child: ChildProcess;
  /** Resolves when the process has exited (never rejects; a spawn error becomes code 127). */
  exited: Promise<ExitStatus>;
  /** The last few KiB of stderr, trimmed: the tools' error messages. */
  stderr(): string;
}

const STDERR_LIMIT = 4096;

/**
 * Spawns `command` without a shell. stdout and stdin are pipes for the caller; stderr is kept
 * (its last 4 KiB) for error messages. A missing program ends with code 127 and a message.
 */
export function spawnTool(command: Command, stdin: "pipe" | "ignore" = "ignore"): RunningTool {
  const child = spawn(command.program, command.args, { stdio: [stdin, "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (text: string) => {
    stderr = (stderr + text).slice(-STDERR_LIMIT);
  });
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("error", (error) => {
      stderr = `${stderr}\n${command.program}: ${error.message}`.slice(-STDERR_LIMIT);
      resolve({ code: 127, signal: null });
    });
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  return { child, exited, stderr: () => stderr.trim() };
}

/** `"mariadb-dump exited with code 2: <stderr>"`, for error messages. */
export function describeExit(program: string, status: ExitStatus, stderr: string): string {
  const how = status.signal ? `was killed by ${status.signal}` : `exited with code ${status.code}`;
  const lines = stderr
    .split("\n")
    .filter((line) => line.trim() && !/Using a password on the command line/i.test(line));
  return `${program} ${how}${lines.length ? `: ${lines.slice(-5).join(" | ")}` : ""}`;
}
