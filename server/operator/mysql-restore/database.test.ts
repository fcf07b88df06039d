import { describe, expect, it } from "vitest";
import { allowWritesStatements, stopWritesStatements } from "./database";

const sql = (statements: { sql: string }[]) => statements.map((s) => s.sql);

describe("writes during a restore", () => {
  it("MariaDB: read_only, which root (READ ONLY ADMIN) bypasses to apply the dump", () => {
    expect(sql(stopWritesStatements("mariadb"))).toEqual(["SET GLOBAL read_only = ON"]);
    expect(sql(allowWritesStatements("mariadb"))).toEqual(["SET GLOBAL read_only = OFF"]);
  });

  it("MySQL: read_only without super_read_only, which would block the restore's admin too", () => {
    expect(sql(stopWritesStatements("mysql"))).toEqual([
      "SET GLOBAL super_read_only = OFF",
      "SET GLOBAL read_only = ON",
    ]);
    expect(sql(allowWritesStatements("mysql"))).toEqual([
      "SET GLOBAL super_read_only = OFF",
      "SET GLOBAL read_only = OFF",
    ]);
  });
});
