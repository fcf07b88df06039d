import { describe, expect, it } from "vitest";
import { parseJobConfig } from "./cli-config";

const env = {
  PILOTHOUSE_BACKUP_ENGINE: "mysql",
  PILOTHOUSE_BACKUP_DB_HOST: "orders-primary",
  PILOTHOUSE_BACKUP_DB_USER: "backup",
  PILOTHOUSE_BACKUP_DB_PASSWORD: "db-secret-value",
  PILOTHOUSE_BACKUP_STORAGE: JSON.stringify({ bucket: "backups", prefix: "prod" }),
  PILOTHOUSE_BACKUP_S3_ACCESS_KEY_ID: "AKIAEXAMPLE",
  PILOTHOUSE_BACKUP_S3_SECRET_ACCESS_KEY: "s3-secret-value",
};

describe("parseJobConfig", () => {
  it("reads a backup run from arguments and the environment", () => {
    const config = parseJobConfig(
      ["backup", "--name", "ns/orders/b1", "--database", "shop", "--part-size-mib", "8"],
      env,
    );
    expect(config).toMatchObject({
      operation: "backup",
      name: "ns/orders/b1",
      databases: ["shop"],
      partSizeBytes: 8 * 1024 * 1024,
      connection: { engine: "mysql", host: "orders-primary", port: 3306, user: "backup" },
      storage: {
        bucket: "backups",
        prefix: "prod",
        region: "us-east-1",
        forcePathStyle: false,
        credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "s3-secret-value" },
      },
      logLevel: "info",
    });
    expect(config.expected).toBeUndefined();
  });

  it("takes the expected size and sha256 together", () => {
    const sha = "a".repeat(64);
    const config = parseJobConfig(
      ["verify", "--name", "b", "--expected-size", "12", "--expected-sha256", sha],
      env,
    );
    expect(config.expected).toEqual({ sizeBytes: 12, sha256: sha });
    expect(() => parseJobConfig(["verify", "--name", "b", "--expected-size", "12"], env)).toThrow(
      /go together/,
    );
  });

  it("names every problem without printing secret values", () => {
    let message = "";
    try {
      parseJobConfig(["restore"], {
        ...env,
        PILOTHOUSE_BACKUP_ENGINE: "postgres",
        PILOTHOUSE_BACKUP_S3_ACCESS_KEY_ID: undefined,
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/--name is required/);
    expect(message).toMatch(/env PILOTHOUSE_BACKUP_ENGINE/);
    expect(message).toMatch(/env PILOTHOUSE_BACKUP_S3_ACCESS_KEY_ID/);
    expect(message).not.toContain("db-secret-value");
    expect(message).not.toContain("s3-secret-value");
  });

  it("refuses unknown operations, unknown flags and storage that is not JSON", () => {
    expect(() => parseJobConfig(["drop"], env)).toThrow(/unknown operation 'drop'/);
    expect(() => parseJobConfig(["backup", "--name", "b", "--force"], env)).toThrow(/--force/);
    expect(() =>
      parseJobConfig(["backup", "--name", "b"], { ...env, PILOTHOUSE_BACKUP_STORAGE: "bucket" }),
    ).toThrow(/must be JSON/);
    expect(() =>
      parseJobConfig(["backup", "--name", "b"], {
        ...env,
        PILOTHOUSE_BACKUP_STORAGE: JSON.stringify({ bucket: "Not_A_Bucket" }),
      }),
    ).toThrow(/PILOTHOUSE_BACKUP_STORAGE\.bucket/);
  });
});
