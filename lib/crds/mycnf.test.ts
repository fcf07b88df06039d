import { describe, expect, it } from "vitest";
import { canonicalSetting, isOwnedSetting, myCnfOverrideLines } from "./mycnf";

describe("my.cnf overrides", () => {
  it("recognises owned settings in any spelling", () => {
    expect(canonicalSetting("Log-Bin")).toBe("log_bin");
    expect(isOwnedSetting("SUPER-READ-ONLY")).toBe(true);
    expect(isOwnedSetting("rpl-semi-sync-source-timeout")).toBe(true);
    expect(isOwnedSetting("max_connections")).toBe(false);
  });

  it("renders sorted lines and never an owned setting", () => {
    expect(
      myCnfOverrideLines({ max_connections: "500", innodb_buffer_pool_size: "1G", server_id: "9" }),
    ).toEqual(["innodb_buffer_pool_size = 1G", "max_connections = 500"]);
    expect(myCnfOverrideLines(undefined)).toEqual([]);
  });
});
