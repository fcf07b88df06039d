import { describe, expect, it } from "vitest";
import { clientCommand, dumpCommand } from "./commands";
import { BackupError } from "./errors";

describe("dumpCommand", () => {
  it("dumps MySQL 8.4 with mysqldump, --source-data=2 and the GTID set as a comment", () => {
    const command = dumpCommand("mysql", "/tmp/x/client.cnf", ["shop", "crm"]);
    expect(command.program).toBe("mysqldump");
    expect(command.args[0]).toBe("--defaults-file=/tmp/x/client.cnf");
    expect(command.args).toEqual(
      expect.arrayContaining([
        "--single-transaction",
        "--source-data=2",
        "--set-gtid-purged=COMMENTED",
        "--routines",
        "--events",
        "--triggers",
        "--hex-blob",
        "--add-drop-database",
        "--no-tablespaces",
      ]),
    );
    expect(command.args).not.toContain("--master-data=2");
    expect(command.args).not.toContain("--gtid");
    expect(command.args.slice(-3)).toEqual(["--databases", "shop", "crm"]);
  });

  it("dumps MariaDB with mariadb-dump, --master-data=2 and --gtid", () => {
    const command = dumpCommand("mariadb", "/tmp/x/client.cnf", ["shop"]);
    expect(command.program).toBe("mariadb-dump");
    expect(command.args[0]).toBe("--defaults-file=/tmp/x/client.cnf");
    expect(command.args).toEqual(
      expect.arrayContaining(["--single-transaction", "--master-data=2", "--gtid"]),
    );
    expect(command.args.some((arg) => arg.startsWith("--source-data"))).toBe(false);
    expect(command.args.some((arg) => arg.startsWith("--set-gtid-purged"))).toBe(false);
    expect(command.args.slice(-2)).toEqual(["--databases", "shop"]);
  });

  it("never puts the password on the command line", () => {
    for (const engine of ["mysql", "mariadb"] as const) {
      const args = dumpCommand(engine, "/tmp/x/client.cnf", ["shop"]).args.join(" ");
      expect(args).not.toMatch(/--password|-p\b/);
    }
  });

  it("refuses an empty database list and names that would parse as options", () => {
    expect(() => dumpCommand("mysql", "/f", [])).toThrow(/no user databases/);
    expect(() => dumpCommand("mariadb", "/f", ["--all-databases"])).toThrow(BackupError);
  });
});

describe("clientCommand", () => {
  it("uses the engine's client with the option file first", () => {
    expect(clientCommand("mysql", "/f").program).toBe("mysql");
    expect(clientCommand("mariadb", "/f").program).toBe("mariadb");
    expect(clientCommand("mariadb", "/f").args[0]).toBe("--defaults-file=/f");
  });
});
