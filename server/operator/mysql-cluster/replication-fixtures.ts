import "server-only";
import { parseGtidSet, type InstanceStatus, type ProbeResult } from "@/server/mysql";
import type { ReplicationStatus } from "@/server/mysql/dialect";

/** Probe results for the unit tests of this folder (not used by the operator itself). */

const address = (ordinal: number) => ({ host: `orders-${ordinal}.test`, port: 3306 });

interface ProbeOptions {
  readOnly?: boolean;
  gtid?: string;
  serverId?: number;
  semiSyncSource?: { enabled: boolean; active: boolean };
  replicaAck?: boolean;
  replication?: Partial<ReplicationStatus>;
}

function base(ordinal: number, options: ProbeOptions) {
  return {
    name: `orders-${ordinal}`,
    address: address(ordinal),
    reachable: true as const,
    serverId: options.serverId ?? 10 + ordinal,
    serverUuid: undefined,
    version: "10.11.19-MariaDB",
    superReadOnly: undefined,
    gtidExecuted: parseGtidSet("mariadb", options.gtid ?? "0-10-5"),
    semiSync: {
      sourceEnabled: options.semiSyncSource?.enabled ?? false,
      sourceActive: options.semiSyncSource?.active ?? false,
      sourceWaitPoint: "AFTER_SYNC",
      sourceClients: 0,
      replicaActive: options.replicaAck ?? false,
    },
  };
}

/** `orders-<ordinal>` replicating from nobody (writable unless told). */
export function primaryProbe(ordinal: number, options: ProbeOptions = {}): InstanceStatus {
  return {
    ...base(ordinal, options),
    readOnly: options.readOnly ?? false,
    role: "primary",
    replication: undefined,
  };
}

/** `orders-<ordinal>` replicating cleanly from `orders-<source>` (read-only unless told). */
export function replicaProbe(
  ordinal: number,
  source: number,
  options: ProbeOptions = {},
): InstanceStatus {
  const from = address(source);
  return {
    ...base(ordinal, { replicaAck: true, ...options }),
    readOnly: options.readOnly ?? true,
    role: "replica",
    replication: {
      sourceHost: from.host,
      sourcePort: from.port,
      ioThread: "running",
      sqlThread: "running",
      secondsBehindSource: 0,
      lastIoError: undefined,
      lastSqlError: undefined,
      receivedGtid: parseGtidSet("mariadb", options.gtid ?? "0-10-5"),
      usingGtid: true,
      ...options.replication,
    },
  };
}

/** `orders-<ordinal>` that does not answer. */
export function downProbe(ordinal: number, error = "connect ECONNREFUSED"): ProbeResult {
  return { name: `orders-${ordinal}`, address: address(ordinal), reachable: false, error };
}

/** The address a fixture probe has, for resolvers in tests. */
export const fixtureAddress = address;
