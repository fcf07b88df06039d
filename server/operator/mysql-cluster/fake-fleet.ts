import "server-only";
import {
  parseGtidSet,
  type FailoverResult,
  type InstanceRef,
  type ProbeResult,
  type ReplicaOutcome,
  type SwitchoverResult,
} from "@/server/mysql";
import type { MySQLActions } from "./mysql-actions";

/** A pretend server of {@link FakeFleet}. */
export interface FakeServer {
  up: boolean;
  readOnly: boolean;
  /** Name of the server it replicates from. */
  source: string | undefined;
  gtid: string;
  semiSyncSource: boolean;
}

/**
 * An in-memory fleet of servers behind the {@link MySQLActions} interface, for the controller's
 * unit tests (not used by the operator). Actions change the servers the way the real ones do,
 * in the large; every call is recorded in `calls`. Real behaviour is tested on MariaDB in
 * tests/integration.
 */
export class FakeFleet implements MySQLActions {
  readonly servers = new Map<string, FakeServer>();
  readonly calls: string[] = [];
  /** What the next failover() answers; by default the first reachable replica is promoted. */
  failoverAnswer: ((request: { failedPrimary: InstanceRef }) => FailoverResult) | undefined;

  constructor(names: string[]) {
    for (const name of names) {
      this.servers.set(name, {
        up: true,
        readOnly: false,
        source: undefined,
        gtid: "",
        semiSyncSource: false,
      });
    }
  }

  server(name: string): FakeServer {
    const server = this.servers.get(name);
    if (!server) throw new Error(`no fake server ${name}`);
    return server;
  }

  private probe(ref: InstanceRef): ProbeResult {
    const s = this.servers.get(ref.name);
    if (!s?.up)
      return {
        name: ref.name,
        address: ref.address,
        reachable: false,
        error: "connect ECONNREFUSED",
      };
    const source = s.source ? this.addressOf(s.source) : undefined;
    return {
      name: ref.name,
      address: ref.address,
      reachable: true,
      serverId: 1,
      serverUuid: undefined,
      version: "fake",
      readOnly: s.readOnly,
      superReadOnly: undefined,
      gtidExecuted: parseGtidSet("mariadb", s.gtid),
      role: source ? "replica" : "primary",
      replication: source
        ? {
            sourceHost: source.host,
            sourcePort: source.port,
            ioThread: "running",
            sqlThread: "running",
            secondsBehindSource: 0,
            lastIoError: undefined,
            lastSqlError: undefined,
            receivedGtid: parseGtidSet("mariadb", s.gtid),
            usingGtid: true,
          }
        : undefined,
      semiSync: {
        sourceEnabled: s.semiSyncSource,
        sourceActive: s.semiSyncSource,
        sourceWaitPoint: "AFTER_SYNC",
        sourceClients: 0,
        replicaActive: source !== undefined,
      },
    };
  }

  private readonly addresses = new Map<string, InstanceRef["address"]>();
  private addressOf(name: string) {
    return this.addresses.get(name) ?? { host: name, port: 3306 };
  }

  private follow(replica: string, source: string): ReplicaOutcome {
    Object.assign(this.server(replica), { source, readOnly: true, semiSyncSource: false });
    return { name: replica, ok: true };
  }

  probeAll(_: unknown, refs: readonly InstanceRef[]) {
    for (const ref of refs) this.addresses.set(ref.name, ref.address);
    this.calls.push("probeAll");
    return Promise.resolve(refs.map((ref) => this.probe(ref)));
  }
  setupReplication(_: unknown, primary: InstanceRef, replicas: readonly InstanceRef[]) {
    this.calls.push(`setupReplication ${primary.name} <- ${replicas.map((r) => r.name).join(",")}`);
    Object.assign(this.server(primary.name), {
      readOnly: false,
      semiSyncSource: replicas.length > 0,
    });
    return Promise.resolve(replicas.map((r) => this.follow(r.name, primary.name)));
  }
  repointAll(_: unknown, replicas: readonly InstanceRef[], source: InstanceRef) {
    this.calls.push(`repoint ${replicas.map((r) => r.name).join(",")} -> ${source.name}`);
    return Promise.resolve(replicas.map((r) => this.follow(r.name, source.name)));
  }
  fence(_: unknown, instance: InstanceRef) {
    this.calls.push(`fence ${instance.name}`);
    this.server(instance.name).readOnly = true;
    return Promise.resolve();
  }
  openForWrites(_: unknown, primary: InstanceRef, withReplicas: boolean) {
    this.calls.push(`open ${primary.name}`);
    Object.assign(this.server(primary.name), { readOnly: false, semiSyncSource: withReplicas });
    return Promise.resolve();
  }
  failover(
    _: unknown,
    request: {
      failedPrimary: InstanceRef;
      replicas: readonly InstanceRef[];
      keepReadOnly?: boolean;
    },
  ) {
    this.calls.push(`failover ${request.failedPrimary.name}`);
    if (this.failoverAnswer) return Promise.resolve(this.failoverAnswer(request));
    const candidate = request.replicas.find((r) => this.server(r.name).up);
    if (!candidate) {
      return Promise.resolve<FailoverResult>({
        ok: false,
        reason: "no-eligible-replica",
        message: "none",
        refused: [],
      });
    }
    const readOnly = request.keepReadOnly === true;
    Object.assign(this.server(candidate.name), { source: undefined, readOnly });
    const others = request.replicas.filter((r) => r !== candidate && this.server(r.name).up);
    return Promise.resolve<FailoverResult>({
      ok: true,
      primary: candidate.name,
      replicas: others.map((r) => this.follow(r.name, candidate.name)),
      refused: [],
      missingFromKnownPrimary: "",
      durationSeconds: 0.5,
    });
  }
  switchover(
    _: unknown,
    request: {
      primary: InstanceRef;
      candidate: InstanceRef;
      replicas: readonly InstanceRef[];
      keepReadOnly?: boolean;
    },
  ) {
    this.calls.push(`switchover ${request.primary.name} -> ${request.candidate.name}`);
    const readOnly = request.keepReadOnly === true;
    Object.assign(this.server(request.candidate.name), { source: undefined, readOnly });
    const outcomes = [request.primary, ...request.replicas].map((r) =>
      this.follow(r.name, request.candidate.name),
    );
    return Promise.resolve<SwitchoverResult>({
      ok: true,
      primary: request.candidate.name,
      replicas: outcomes,
      writeUnavailableSeconds: 0.2,
    });
  }
}
