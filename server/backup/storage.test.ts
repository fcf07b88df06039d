import { describe, expect, it } from "vitest";
import { backupLocation } from "./storage";

describe("backupLocation", () => {
  it("puts the dump and its manifest under the prefix", () => {
    expect(backupLocation({ bucket: "b", prefix: "prod/mysql" }, "ns/orders/orders-1")).toEqual({
      bucket: "b",
      key: "prod/mysql/ns/orders/orders-1.sql.gz",
      manifestKey: "prod/mysql/ns/orders/orders-1.sql.gz.manifest.json",
      url: "s3://b/prod/mysql/ns/orders/orders-1.sql.gz",
    });
  });

  it("accepts a prefix with a trailing slash, and no prefix", () => {
    expect(backupLocation({ bucket: "b", prefix: "p/" }, "x").key).toBe("p/x.sql.gz");
    expect(backupLocation({ bucket: "b", prefix: "" }, "x").key).toBe("x.sql.gz");
  });

  it.each(["", "/abs", "a//b", "../up", "a b", "a/"])("refuses the name %j", (name) => {
    expect(() => backupLocation({ bucket: "b", prefix: "" }, name)).toThrow(/invalid backup name/);
  });
});
