import { describe, expect, it } from "vitest";
import { BackupStorageLocationSchema, BackupStorageSchema } from "./backup-storage";

describe("BackupStorageSchema", () => {
  it("fills the defaults of a minimal storage", () => {
    expect(
      BackupStorageSchema.parse({
        bucket: "backups",
        credentials: { accessKeyId: "a", secretAccessKey: "b" },
      }),
    ).toEqual({
      bucket: "backups",
      region: "us-east-1",
      prefix: "",
      forcePathStyle: false,
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
    });
  });

  it.each([
    ["an upper case bucket", { bucket: "Backups" }],
    ["a two-letter bucket", { bucket: "ab" }],
    ["a prefix with a leading slash", { bucket: "backups", prefix: "/prod" }],
    ["an endpoint that is not http(s)", { bucket: "backups", endpoint: "ftp://x" }],
  ])("rejects %s", (_what, location) => {
    expect(BackupStorageLocationSchema.safeParse(location).success).toBe(false);
  });

  it("requires credentials for the engine's storage", () => {
    expect(BackupStorageSchema.safeParse({ bucket: "backups" }).success).toBe(false);
  });
});
