import "server-only";
import { pino, type Logger } from "pino";
import { z } from "zod";
import { MySQLEngineSchema } from "@/lib/crds/mysql-cluster";
import { dialectFor, type Dialect, type ReplicationAccount } from "./dialect";

/** Where one server listens. In production, the pod's DNS name in the headless Service. */
export interface InstanceAddress {
  host: string;
  port: number;
}

/** One server of a cluster: its pod name (used in results, logs and errors) and address. */
export interface InstanceRef {
  name: string;
  address: InstanceAddress;
}

/**
 * The seam between pods and servers, provided by the operator: in production the pod's
 * `<pod>.<headless service>.<namespace>.svc` name and port 3306; in tests, a local MariaDB.
 */
export type ResolveAddress<Pod> = (pod: Pod) => InstanceAddress;

/** Turns a pod into an {@link InstanceRef} through the operator's resolver. */
export function instanceFromPod<Pod extends { metadata?: { name?: string } }>(
  pod: Pod,
  resolveAddress: ResolveAddress<Pod>,
): InstanceRef {
  const name = pod.metadata?.name;
  if (!name) throw new Error("a pod without metadata.name cannot be an instance");
  return { name, address: resolveAddress(pod) };
}

const CredentialsSchema = z.object({ user: z.string().min(1), password: z.string() });

/** What the operator passes to {@link createReplicationContext}. */
export const ReplicationContextOptionsSchema = z.object({
  engine: MySQLEngineSchema,
  /** The operator's administrative account on every server. */
  admin: CredentialsSchema,
  /** The account replicas connect with; created on the primary by `setupReplication`. */
  replication: CredentialsSchema.extend({ host: z.string().min(1).default("%") }),
  semiSync: z
    .object({
      /** Semi-synchronous replication with AFTER_SYNC: no acknowledged write is lost on failover. */
      enabled: z.boolean().default(true),
      /** Seconds a commit waits for an acknowledgement before falling back to asynchronous. */
      timeoutSeconds: z.number().int().min(1).default(3600),
      /** MySQL only: acknowledgements per commit. */
      waitForReplicaCount: z.number().int().min(1).default(1),
    })
    .prefault({}),
  /** Seconds to wait for a TCP connection and the handshake. */
  connectTimeoutSeconds: z.number().positive().default(5),
  /** Seconds any one statement may take (waits for GTIDs get their own timeout on top). */
  statementTimeoutSeconds: z.number().positive().default(30),
  /** Seconds between a replica's reconnection attempts to an unreachable source. */
  connectRetrySeconds: z.number().int().min(1).default(5),
});
export type ReplicationContextOptions = z.input<typeof ReplicationContextOptionsSchema>;

/** Everything the database-level actions need, built once per cluster and engine. */
export interface ReplicationContext {
  readonly dialect: Dialect;
  readonly admin: { user: string; password: string };
  readonly replication: ReplicationAccount;
  readonly semiSync: { enabled: boolean; timeoutSeconds: number; waitForReplicaCount: number };
  readonly connectTimeoutSeconds: number;
  readonly statementTimeoutSeconds: number;
  readonly connectRetrySeconds: number;
  readonly logger: Logger;
}

/**
 * Validates the options and builds the context every action takes as its first argument.
 *
 * @param logger the operator's module logger (one child per cluster is a good fit); silent when
 *   omitted. Passwords are never logged.
 * @throws ZodError when an option is out of range.
 */
export function createReplicationContext(
  options: ReplicationContextOptions,
  logger?: Logger,
): ReplicationContext {
  const parsed = ReplicationContextOptionsSchema.parse(options);
  return {
    ...parsed,
    dialect: dialectFor(parsed.engine),
    logger: (logger ?? pino({ enabled: false })).child({ module: "mysql/replication" }),
  };
}
