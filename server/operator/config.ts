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
});

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
  /** This process's name in Events (`reportingInstance`) and, later, in its leader Lease. */
  instanceName: string;
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
  };
}
