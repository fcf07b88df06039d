import "server-only";
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { z } from "zod";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** The operator's environment variables: the only place it reads `process.env`. */
const OperatorEnvSchema = z.object({
  KUBECONFIG: z
    .string()
    .min(1)
    .refine((path) => !path.includes(":"), "must be one file (a list of paths is not supported)")
    .refine((path) => existsSync(path), "file does not exist")
    .optional()
    .describe("Kubeconfig of the operator's identity; in-cluster ServiceAccount when unset."),
  PILOTHOUSE_OPERATOR_LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  PILOTHOUSE_OPERATOR_WORKERS: z.coerce.number().int().min(1).max(32).default(2),
  PILOTHOUSE_OPERATOR_RESYNC_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  PILOTHOUSE_OPERATOR_SHARD: z
    .string()
    .max(63)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a label value such as it-3f9a2c")
    .optional(),
  /** Set from the pod name in a Deployment (downward API); the host name otherwise. */
  POD_NAME: z.string().min(1).max(128).optional(),
  /** Port of /metrics and /healthz; unset = no HTTP server, 0 = any free port (logged). */
  PILOTHOUSE_OPERATOR_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  /** How often each running cluster's servers are probed (seconds). */
  PILOTHOUSE_OPERATOR_PROBE_SECONDS: z.coerce.number().min(0.5).max(300).default(10),
  /**
   * `disabled` only where no database server can exist behind the pods (simulated KWOK nodes of
   * the local platform): no SQL is issued and `ReplicationHealthy` says the database was not checked.
   */
  PILOTHOUSE_OPERATOR_DATABASE_CHECKS: z.enum(["enabled", "disabled"]).default("enabled"),
  /** Leader election with a Lease: on unless `false` (one active operator among replicas). */
  PILOTHOUSE_OPERATOR_LEADER_ELECTION: z.enum(["true", "false"]).default("true"),
  PILOTHOUSE_OPERATOR_LEASE_NAMESPACE: z.string().min(1).max(63).default("pilothouse-system"),
  /** How long a Lease is valid without renewal (seconds); a standby takes over after it. */
  PILOTHOUSE_OPERATOR_LEASE_SECONDS: z.coerce.number().int().min(2).max(300).default(15),
  /**
   * Where the servers of some pods are, as JSON `{"<namespace>/<pod>": "host:port"}`; other pods
   * are reached through their headless Service. For tests and local development, where pods
   * (KWOK) run no server.
   */
  PILOTHOUSE_OPERATOR_INSTANCE_ADDRESSES: z
    .string()
    .transform((text, context) => {
      const parsed = InstanceAddressesSchema.safeParse(safeJson(text));
      if (parsed.success) return parsed.data;
      context.addIssue({
        code: "custom",
        message: 'must be JSON like {"ns/pod-0": "127.0.0.1:3306"}',
      });
      return z.NEVER;
    })
    .optional(),
  /** The operator's own image: backup and restore Jobs run its backup command. */
  PILOTHOUSE_OPERATOR_IMAGE: z
    .string()
    .min(1)
    .max(512)
    .default("ghcr.io/pilothouse/pilothouse:dev"),
  /** The repository root inside that image (working directory of the backup command). */
  PILOTHOUSE_OPERATOR_IMAGE_WORKDIR: z.string().min(1).max(256).default("/app"),
  /** A backup Job running longer than this is stopped and its MySQLBackup fails (seconds). */
  PILOTHOUSE_BACKUP_DEADLINE_SECONDS: z.coerce.number().int().min(60).max(604_800).default(21_600),
});

const InstanceAddressesSchema = z.record(
  z.string().regex(/^[^/]+\/[^/]+$/),
  z
    .string()
    .regex(/^[^:]+:\d{1,5}$/)
    .transform((address) => {
      const colon = address.lastIndexOf(":");
      return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
    }),
);

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Validated operator configuration. */
export interface OperatorConfig {
  /** Kubeconfig file; undefined = in-cluster configuration. */
  kubeconfigPath: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Clusters reconciled in parallel. */
  workers: number;
  /** Every cluster is reconciled at least this often (seconds), events or not. */
  resyncSeconds: number;
  /** Reconcile only objects labelled with this shard (see OPERATOR_SHARD_LABEL); unset = unlabelled. */
  shard: string | undefined;
  /** This process's name in Events (`reportingInstance`) and in its leader Lease. */
  instanceName: string;
  /** Port of /metrics and /healthz (0 = any free port); undefined = no HTTP server. */
  metricsPort: number | undefined;
  /** How often each running cluster's servers are probed (seconds). */
  probeSeconds: number;
  /** False: no server is probed or managed (simulated nodes only); see the variable. */
  databaseChecks: boolean;
  /** Leader election; undefined = off (this process always acts). */
  leaderElection: { namespace: string; leaseName: string; leaseSeconds: number } | undefined;
  /** Server addresses of some pods, keyed `namespace/pod` (tests; see the variable). */
  instanceAddresses: Map<string, { host: string; port: number }>;
  /** How backup Jobs run: the operator's image, its working directory, the deadline (s). */
  backupJob: { image: string; workingDir: string; activeDeadlineSeconds: number };
}

/**
 * Reads and validates the operator's configuration from `env`.
 *
 * @throws Error naming every invalid variable, e.g. `KUBECONFIG: file does not exist`.
 */
export function loadOperatorConfig(
  env: Record<string, string | undefined> = process.env,
): OperatorConfig {
  const parsed = OperatorEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".")}: ${issue.message}`,
    );
    throw new Error(`invalid operator configuration:\n  ${problems.join("\n  ")}`);
  }
  const data = parsed.data;
  return {
    kubeconfigPath: data.KUBECONFIG,
    logLevel: data.PILOTHOUSE_OPERATOR_LOG_LEVEL,
    workers: data.PILOTHOUSE_OPERATOR_WORKERS,
    resyncSeconds: data.PILOTHOUSE_OPERATOR_RESYNC_SECONDS,
    shard: data.PILOTHOUSE_OPERATOR_SHARD,
    instanceName: data.POD_NAME ?? hostname(),
    metricsPort: data.PILOTHOUSE_OPERATOR_METRICS_PORT,
    probeSeconds: data.PILOTHOUSE_OPERATOR_PROBE_SECONDS,
    databaseChecks: data.PILOTHOUSE_OPERATOR_DATABASE_CHECKS === "enabled",
    leaderElection:
      data.PILOTHOUSE_OPERATOR_LEADER_ELECTION === "true"
        ? {
            namespace: data.PILOTHOUSE_OPERATOR_LEASE_NAMESPACE,
            // One Lease per shard: a test shard's operators never contend with the default one.
            leaseName: data.PILOTHOUSE_OPERATOR_SHARD
              ? `pilothouse-operator-${data.PILOTHOUSE_OPERATOR_SHARD}`
              : "pilothouse-operator",
            leaseSeconds: data.PILOTHOUSE_OPERATOR_LEASE_SECONDS,
          }
        : undefined,
    instanceAddresses: new Map(Object.entries(data.PILOTHOUSE_OPERATOR_INSTANCE_ADDRESSES ?? {})),
    backupJob: {
      image: data.PILOTHOUSE_OPERATOR_IMAGE,
      workingDir: data.PILOTHOUSE_OPERATOR_IMAGE_WORKDIR,
      activeDeadlineSeconds: data.PILOTHOUSE_BACKUP_DEADLINE_SECONDS,
    },
  };
}
