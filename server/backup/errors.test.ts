import { describe, expect, it } from "vitest";
import { BackupError, describeError, mapStorageError } from "./errors";

/** An AWS SDK v3 service exception as the client throws it. */
function s3Error(name: string, status: number, message = "UnknownError") {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

const what = "s3://backups/prod/orders-1.sql.gz";

describe("mapStorageError", () => {
  it.each([
    ["NoSuchKey", 404, "NotFound", /not found \(NoSuchKey\)/],
    ["NoSuchBucket", 404, "NotFound", /bucket .* does not exist/],
    ["AccessDenied", 403, "AuthFailed", /denied access .*AccessDenied/],
    ["InvalidAccessKeyId", 403, "AuthFailed", /access key ID .*InvalidAccessKeyId/],
    ["SignatureDoesNotMatch", 403, "AuthFailed", /secret access key is wrong/],
    ["PreconditionFailed", 412, "ChecksumMismatch", /changed while it was being read/],
  ])("maps %s to %s", (name, status, code, message) => {
    const mapped = mapStorageError(s3Error(name, status, "S3 says no"), what);
    expect(mapped).toBeInstanceOf(BackupError);
    expect(mapped.code).toBe(code);
    expect(mapped.message).toMatch(message);
    expect(mapped.message).toContain(what);
    expect(mapped.cause).toBeInstanceOf(Error);
  });

  it("maps the bodiless HEAD answers by status code", () => {
    expect(mapStorageError(s3Error("NotFound", 404), what).code).toBe("NotFound");
    const forbidden = mapStorageError(s3Error("Unknown", 403), what);
    expect(forbidden.code).toBe("AuthFailed");
    expect(forbidden.message).toMatch(/HTTP 403/);
    expect(forbidden.message).not.toMatch(/UnknownError/);
  });

  it("maps network errors to StorageUnreachable", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:7070"), {
      code: "ECONNREFUSED",
    });
    const mapped = mapStorageError(refused, what);
    expect(mapped.code).toBe("StorageUnreachable");
    expect(mapped.message).toMatch(/ECONNREFUSED/);
  });

  it("keeps other errors as StorageError with their name and status", () => {
    const mapped = mapStorageError(
      s3Error("SlowDown", 503, "Please reduce your request rate."),
      what,
    );
    expect(mapped.code).toBe("StorageError");
    expect(mapped.message).toBe(
      `S3 request for ${what} failed (SlowDown, HTTP 503): Please reduce your request rate.`,
    );
  });

  it("passes BackupErrors through", () => {
    const original = new BackupError("DumpFailed", "mysqldump exited with code 2");
    expect(mapStorageError(original, what)).toBe(original);
  });
});

describe("describeError", () => {
  it("keeps the code of a BackupError and uses the fallback otherwise", () => {
    expect(describeError(new BackupError("NotFound", "gone"), "StorageError")).toEqual({
      code: "NotFound",
      message: "gone",
    });
    expect(describeError(new Error("boom"), "RestoreFailed")).toEqual({
      code: "RestoreFailed",
      message: "boom",
    });
  });
});
