import { describe, expect, it } from "vitest";
import { GtidFlavorMismatchError, GtidParseError } from "./errors";
import {
  compareGtidSets,
  errantTransactions,
  formatGtidSet,
  gtidContains,
  gtidSubtract,
  gtidUnion,
  isEmptyGtidSet,
  originatedBy,
  parseGtidSet,
  waitTarget,
} from "./gtid";

const A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
const B = "8a94f357-aab4-11df-86ab-c80aa9429562";
const my = (text: string) => parseGtidSet("mysql", text);
const maria = (text: string) => parseGtidSet("mariadb", text);
const text = (set: ReturnType<typeof my>) => formatGtidSet(set);

describe("MySQL GTID sets", () => {
  it("parses gtid_executed text with several sources, newlines and single GTIDs", () => {
    const set = my(`${B}:1-3,\n${A.toUpperCase()}:1-5:7:9-10`);
    expect(text(set)).toBe(`${A}:1-5:7:9-10,${B}:1-3`);
  });

  it("merges overlapping and adjacent intervals", () => {
    expect(text(my(`${A}:4-6:1-3:5-9:11`))).toBe(`${A}:1-9:11`);
    expect(text(my(`${A}:1-2,${A}:3`))).toBe(`${A}:1-3`);
  });

  it("parses tagged GTIDs (MySQL 8.4) and keeps untagged intervals first", () => {
    const set = my(`${A}:Batch:1-3:5,${A}:1-10`);
    expect(text(set)).toBe(`${A}:1-10:batch:1-3:5`);
    expect(gtidContains(set, my(`${A}:batch:2`))).toBe(true);
    expect(gtidContains(set, my(`${A}:other:2`))).toBe(false);
  });

  it("treats the empty string as the empty set", () => {
    expect(isEmptyGtidSet(my(""))).toBe(true);
    expect(text(my("  \n"))).toBe("");
  });

  it.each([
    ["not-a-uuid:1-5"],
    [`${A}`],
    [`${A}:0`],
    [`${A}:5-3`],
    [`${A}:1-x`],
    [`${A}:tag`],
    [`${A}:9223372036854775808`],
  ])("rejects %j", (input) => {
    expect(() => my(input)).toThrow(GtidParseError);
  });

  it("subtracts interval by interval", () => {
    expect(text(gtidSubtract(my(`${A}:1-10,${B}:1-3`), my(`${A}:3-4:8`)))).toBe(
      `${A}:1-2:5-7:9-10,${B}:1-3`,
    );
    expect(isEmptyGtidSet(gtidSubtract(my(`${A}:2-3`), my(`${A}:1-5`)))).toBe(true);
  });

  it("unions sources and intervals", () => {
    expect(text(gtidUnion(my(`${A}:1-3`), my(`${A}:4-6,${B}:2`)))).toBe(`${A}:1-6,${B}:2`);
  });

  it("compares sets: equal, ahead, behind, diverged", () => {
    expect(compareGtidSets(my(`${A}:1-5`), my(`${A}:1-5`))).toBe("equal");
    expect(compareGtidSets(my(`${A}:1-6`), my(`${A}:1-5`))).toBe("ahead");
    expect(compareGtidSets(my(`${A}:1-4`), my(`${A}:1-5`))).toBe("behind");
    expect(compareGtidSets(my(`${A}:1-4,${B}:1`), my(`${A}:1-5`))).toBe("diverged");
  });

  it("finds errant transactions: what the replica has and the primary has not", () => {
    const primary = my(`${A}:1-100`);
    const replica = my(`${A}:1-90,${B}:1-2`);
    expect(text(errantTransactions(replica, primary))).toBe(`${B}:1-2`);
    expect(isEmptyGtidSet(errantTransactions(my(`${A}:1-90`), primary))).toBe(true);
  });

  it("keeps the transactions a server originated, tags included", () => {
    const set = my(`${A}:1-5:t:1,${B}:1-3`);
    expect(text(originatedBy(set, { serverUuid: A.toUpperCase() }))).toBe(`${A}:1-5:t:1`);
  });
});

describe("MariaDB GTID sets", () => {
  it("parses and formats gtid_binlog_state lists, sorted by domain then server", () => {
    expect(formatGtidSet(maria(" 1-2-10, 0-3-4,0-1-5 "))).toBe("0-1-5,0-3-4,1-2-10");
    expect(isEmptyGtidSet(maria(""))).toBe(true);
  });

  it("keeps the highest sequence per (domain, server)", () => {
    expect(formatGtidSet(maria("0-1-5,0-1-9,0-1-7"))).toBe("0-1-9");
  });

  it.each([["0-1"], ["0-1-x"], ["a-b-c"], ["0-4294967296-1"], ["0-1-5;"]])(
    "rejects %j",
    (input) => {
      expect(() => maria(input)).toThrow(GtidParseError);
    },
  );

  it("contains a GTID when the same server's sequence in that domain is at least as high", () => {
    expect(gtidContains(maria("0-1-10,0-2-3"), maria("0-1-7,0-2-3"))).toBe(true);
    expect(gtidContains(maria("0-1-10"), maria("0-1-11"))).toBe(false);
    expect(gtidContains(maria("0-1-10"), maria("1-1-1"))).toBe(false);
  });

  it("sees a replica's own write as errant even after the primary wrote more", () => {
    // The replica (server 2) wrote 0-2-6 locally; the primary (server 1) went on to 0-1-8.
    const replica = maria("0-1-5,0-2-6");
    const primary = maria("0-1-8");
    expect(formatGtidSet(errantTransactions(replica, primary))).toBe("0-2-6");
    expect(compareGtidSets(replica, primary)).toBe("diverged");
  });

  it("does not count a former primary's history as errant", () => {
    // Server 2 was primary up to 0-2-6, then server 1 took over; the new primary has both.
    expect(isEmptyGtidSet(errantTransactions(maria("0-2-6"), maria("0-2-6,0-1-9")))).toBe(true);
  });

  it("orders sets by advancement", () => {
    expect(compareGtidSets(maria("0-1-9"), maria("0-1-7"))).toBe("ahead");
    expect(compareGtidSets(maria("0-1-7"), maria("0-1-7"))).toBe("equal");
  });

  it("waits for the last GTID per domain (the position MASTER_GTID_WAIT takes)", () => {
    expect(formatGtidSet(waitTarget(maria("0-1-9,0-2-4,1-3-2")))).toBe("0-1-9,1-3-2");
  });

  it("selects a server's own transactions", () => {
    expect(formatGtidSet(originatedBy(maria("0-1-9,0-2-4,1-2-2"), { serverId: 2 }))).toBe(
      "0-2-4,1-2-2",
    );
  });
});

it("refuses to combine flavours", () => {
  expect(() => gtidSubtract(my(`${A}:1`), maria("0-1-1"))).toThrow(GtidFlavorMismatchError);
  expect(() => gtidUnion(maria("0-1-1"), my(`${A}:1`))).toThrow(GtidFlavorMismatchError);
});
