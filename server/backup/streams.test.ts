import { createHash } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { DigestStream, GatedStream, describeExit, spawnTool } from "./streams";

function sink(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}

describe("DigestStream", () => {
  it("counts bytes and computes their sha256 on the way", async () => {
    const data = [Buffer.from("hello "), Buffer.from("world")];
    const digest = new DigestStream();
    await pipeline(Readable.from(data), digest, sink());
    expect(digest.bytes).toBe(11);
    expect(digest.sha256()).toBe(createHash("sha256").update("hello world").digest("hex"));
  });
});

describe("GatedStream", () => {
  it("ends only when the gate opens and fails the pipeline when it rejects", async () => {
    const seen: string[] = [];
    const open = new GatedStream(
      () => Promise.resolve(),
      (chunk) => seen.push(chunk.toString()),
    );
    await pipeline(Readable.from([Buffer.from("a"), Buffer.from("b")]), open, sink());
    expect(seen).toEqual(["a", "b"]);

    const shut = new GatedStream(() => Promise.reject(new Error("dump exited with code 2")));
    await expect(pipeline(Readable.from([Buffer.from("a")]), shut, sink())).rejects.toThrow(
      /code 2/,
    );
  });
});

describe("spawnTool", () => {
  it("reports a missing program as exit code 127 with a message", async () => {
    const tool = spawnTool({ program: "pilothouse-no-such-tool", args: [] });
    const status = await tool.exited;
    expect(status.code).toBe(127);
    expect(tool.stderr()).toMatch(/ENOENT/);
  });

  it("keeps the end of stderr and the exit code", async () => {
    const tool = spawnTool({ program: "sh", args: ["-c", "echo oops >&2; exit 3"] });
    const status = await tool.exited;
    expect(describeExit("mysqldump", status, tool.stderr())).toBe(
      "mysqldump exited with code 3: oops",
    );
  });
});
