import { describe, expect, it } from "vitest";
import { BackupManifestSchema, MANIFEST_KIND, type BackupManifest } from "./manifest";

const manifest: BackupManifest = {
  kind: MANIFEST_KIND,
  formatVersion: 1,
  engine: "mariadb",
  serverVersion: "10.11.19-MariaDB-0+deb12u1-log",
  databases: ["shop"],
  bucket: "backups",
  key: "prod/ns/shop/shop-1.sql.gz",
  compression: "gzip",
  sizeBytes: 1216,
  sha256: "e2b33beb99656fa3c53333cb7b9e6d41416b0c7b6e2c5fbe255d0c717769185b",
  dumpBytes: 2970,
  position: { binlogFile: "mariadb-1-bin.000001", binlogPosition: 914, gtid: "0-1-3" },
  startedAt: "2026-11-29T23:32:44.473Z",
  completedAt: "2026-11-29T23:32:44.574Z",
};

describe("BackupManifestSchema", () => {
  it("accepts a manifest and survives a JSON round trip", () => {
    expect(BackupManifestSchema.parse(JSON.parse(JSON.stringify(manifest)))).toEqual(manifest);
  });

  it.each([
    ["an unknown kind", { kind: "something/else" }],
    ["a future format", { formatVersion: 2 }],
    ["an upper case or short sha256", { sha256: "ABC" }],
    ["a negative size", { sizeBytes: -1 }],
    ["a fractional size", { sizeBytes: 1.5 }],
    ["an unknown engine", { engine: "postgres" }],
    ["a position without file", { position: { binlogPosition: 4, gtid: "" } }],
    ["a date that is not ISO 8601", { startedAt: "yesterday" }],
  ])("rejects %s", (_what, change) => {
    expect(BackupManifestSchema.safeParse({ ...manifest, ...change }).success).toBe(false);
  });
});
