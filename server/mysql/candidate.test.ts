import { describe, expect, it } from "vitest";
import { chooseFailoverCandidate } from "./candidate";
import { parseGtidSet } from "./gtid";
import type { InstanceStatus, ProbeResult } from "./instance";

function mariadbReplica(name: string, serverId: number, gtid: string): InstanceStatus {
  return {
    name,
    address: { host: "127.0.0.1", port: 13305 + serverId },
    reachable: true,
    role: "replica",
    serverId,
    serverUuid: undefined,
    version: "10.11",
    readOnly: true,
    superReadOnly: undefined,
    gtidExecuted: parseGtidSet("mariadb", gtid),
    replication: {
      sourceHost: "127.0.0.1",
      sourcePort: 13306,
      ioThread: "connecting",
      sqlThread: "running",
      secondsBehindSource: null,
      lastIoError: "error reconnecting to master",
      lastSqlError: undefined,
      receivedGtid: parseGtidSet("mariadb", ""),
      usingGtid: true,
    },
    semiSync: {
      sourceEnabled: false,
      sourceActive: false,
      sourceWaitPoint: "AFTER_SYNC",
      sourceClients: 0,
      replicaActive: false,
    },
  };
}

const down = (name: string): ProbeResult => ({
  name,
  address: { host: "127.0.0.1", port: 1 },
  reachable: false,
  error: "connect ECONNREFUSED",
});

const A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
const B = "8a94f357-aab4-11df-86ab-c80aa9429562";
const C = "c0ffee00-aab4-11df-86ab-c80aa9429562";

function mysqlReplica(name: string, uuid: string, gtid: string): InstanceStatus {
  return {
    ...mariadbReplica(name, 9, ""),
    serverUuid: uuid,
    gtidExecuted: parseGtidSet("mysql", gtid),
  };
}

describe("chooseFailoverCandidate", () => {
  it("picks the most advanced reachable replica and lists the unreachable", () => {
    const choice = chooseFailoverCandidate(
      [
        down("db-0"),
        mariadbReplica("db-1", 2, "0-1-7"),
        mariadbReplica("db-2", 3, "0-1-9"),
        down("db-3"),
      ],
      { failedPrimary: "db-0" },
    );
    expect(choice.ok && choice.candidate.name).toBe("db-2");
    expect(choice.refused).toEqual([
      { name: "db-3", reason: "unreachable", message: "db-3 is unreachable: connect ECONNREFUSED" },
    ]);
  });

  it("breaks ties by name, deterministically", () => {
    const choice = chooseFailoverCandidate([
      mariadbReplica("db-2", 3, "0-1-9"),
      mariadbReplica("db-1", 2, "0-1-9"),
    ]);
    expect(choice.ok && choice.candidate.name).toBe("db-1");
  });

  it("refuses a replica with errant transactions and says which", () => {
    // db-1 (server 2) wrote 0-2-8 itself; it looks "most advanced" but must not be promoted.
    const choice = chooseFailoverCandidate([
      mariadbReplica("db-1", 2, "0-1-7,0-2-8"),
      mariadbReplica("db-2", 3, "0-1-7"),
    ]);
    expect(choice.ok && choice.candidate.name).toBe("db-2");
    expect(choice.refused).toEqual([
      expect.objectContaining({
        name: "db-1",
        reason: "errant-transactions",
        errantGtids: "0-2-8",
      }),
    ]);
    expect(choice.refused[0]?.message).toContain("0-2-8");
  });

  it("refuses to fail over when the only clean replica lacks what the errant one received", () => {
    // db-1 has the primary's 0-1-9 (acknowledged) and an errant write; db-2 stopped at 0-1-7.
    const choice = chooseFailoverCandidate([
      mariadbReplica("db-1", 2, "0-1-9,0-2-10"),
      mariadbReplica("db-2", 3, "0-1-7"),
    ]);
    expect(choice).toMatchObject({ ok: false, reason: "would-lose-transactions" });
    expect(!choice.ok && choice.message).toContain("db-1 has 0-1-9");
  });

  it("refuses when no replica is eligible", () => {
    const primary = {
      ...mariadbReplica("db-0", 1, "0-1-5"),
      role: "primary" as const,
      replication: undefined,
    };
    const choice = chooseFailoverCandidate([primary, down("db-1")]);
    expect(choice).toMatchObject({ ok: false, reason: "no-eligible-replica" });
    expect(choice.refused.map((r) => r.reason)).toEqual(["unreachable", "not-a-replica"]);
  });

  it("does not count a former primary's own transactions as errant when others have them", () => {
    const choice = chooseFailoverCandidate([
      mysqlReplica("db-1", B, `${A}:1-50,${B}:1-20`),
      mysqlReplica("db-2", C, `${A}:1-40,${B}:1-20`),
    ]);
    expect(choice.ok && choice.candidate.name).toBe("db-1");
    expect(choice.refused).toEqual([]);
  });

  it("uses the last known primary set for a lone replica and reports what is missing", () => {
    const choice = chooseFailoverCandidate([mysqlReplica("db-1", B, `${A}:1-48,${B}:1-20`)], {
      knownPrimaryGtid: parseGtidSet("mysql", `${A}:1-50,${B}:1-20`),
    });
    expect(choice).toMatchObject({ ok: true, missingFromKnownPrimary: `${A}:49-50` });
  });

  it("flags a MySQL replica's own writes as errant", () => {
    const choice = chooseFailoverCandidate([
      mysqlReplica("db-1", B, `${A}:1-50,${B}:1`),
      mysqlReplica("db-2", C, `${A}:1-50`),
    ]);
    expect(choice.ok && choice.candidate.name).toBe("db-2");
    expect(choice.refused[0]).toMatchObject({ name: "db-1", errantGtids: `${B}:1` });
  });
});
