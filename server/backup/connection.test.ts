import { describe, expect, it } from "vitest";
import { clientOptionFile, DatabaseConnectionSchema } from "./connection";

describe("clientOptionFile", () => {
  it("quotes values so that #, quotes and backslashes in a password survive", () => {
    const file = clientOptionFile({
      engine: "mariadb",
      host: "orders-primary.db.svc",
      port: 3306,
      user: "backup",
      password: 'p#ss"w\\rd',
    });
    expect(file).toBe(
      [
        "[client]",
        'host="orders-primary.db.svc"',
        "port=3306",
        'user="backup"',
        'password="p#ss\\"w\\\\rd"',
        "protocol=TCP",
        "",
      ].join("\n"),
    );
  });

  it("refuses a password with a line break (it would end the option)", () => {
    const parsed = DatabaseConnectionSchema.safeParse({
      engine: "mysql",
      host: "h",
      user: "u",
      password: "a\nb",
    });
    expect(parsed.success).toBe(false);
  });
});
