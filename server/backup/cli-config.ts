import "server-only";
import { parseArgs } from "node:util";
import { z } from "zod";
import { BackupStorageLocationSchema, type BackupStorage } from "@/lib/crds/backup-storage";
import { MySQLEngineSchema } from "@/lib/crds/mysql-cluster";
import type { DatabaseConnection } from "./connection";
import { BackupError, BackupErrorCode } from "./errors";
import type { ExpectedObject } from "./verify";

/**
 * The environment of the backup Job's container. The operator sets the plain values from the
 * MySQLCluster / MySQLBackup specs and the secrets with `valueFrom.secretKeyRef`.
 */
export const BackupJobEnvSchema = z.object({
  PILOTHOUSE_BACKUP_ENGINE: MySQLEngineSchema,
  PILOTHOUSE_BACKUP_DB_HOST: z.string().min(1),
  PILOTHOUSE_BACKUP_DB_PORT: z.coerce.number().int().min(1).max(65535).default(3306),
  PILOTHOUSE_BACKUP_DB_USER: z.string().min(1),
  PILOTHOUSE_BACKUP_DB_PASSWORD: z.string().regex(/^[^\n\r]*$/, "must not contain line breaks"),
  /** JSON of a `BackupStorageLocation`: endpoint, region, bucket, prefix, forcePathStyle, caBundle. */
  PILOTHOUSE_BACKUP_STORAGE: z.string().min(2),
  PILOTHOUSE_BACKUP_S3_ACCESS_KEY_ID: z.string().min(1),
  PILOTHOUSE_BACKUP_S3_SECRET_ACCESS_KEY: z.string().min(1),
  PILOTHOUSE_BACKUP_LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .default("info"),
  /** Where the result is written besides stdout; Kubernetes' default termination message path. */
  PILOTHOUSE_TERMINATION_LOG: z.string().min(1).optional(),
});

export const OPERATIONS = ["backup", "verify", "restore"] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Everything one run of the backup command needs, validated. */
export interface JobConfig {
  operation: Operation;
  name: string;
  connection: DatabaseConnection;
  storage: BackupStorage;
  databases?: string[];
  expected?: ExpectedObject;
  partSizeBytes?: number;
  compressionLevel?: number;
  logLevel: string;
  /** Explicit termination log path, or undefined for `/dev/termination-log` when it exists. */
  terminationLog?: string;
}

export const USAGE = `usage: cli.ts backup|verify|restore --name <backup name> [options]
  backup:  [--database <name>]... [--part-size-mib <n>] [--compression-level <1-9>]
  verify:  [--expected-size <bytes> --expected-sha256 <hex>]   (else the manifest's)
  restore: [--expected-size <bytes> --expected-sha256 <hex>]   (else the manifest's)
environment: PILOTHOUSE_BACKUP_{ENGINE,DB_HOST,DB_PORT,DB_USER,DB_PASSWORD,STORAGE,
  S3_ACCESS_KEY_ID,S3_SECRET_ACCESS_KEY,LOG_LEVEL}, PILOTHOUSE_TERMINATION_LOG`;

const ArgsSchema = z
  .object({
    name: z.string({ error: "--name is required" }).min(1, "--name is required"),
    database: z.array(z.string().min(1)).optional(),
    "expected-size": z.coerce.number().int().min(0).optional(),
    "expected-sha256": z
      .string()
      .regex(/^[0-9a-f]{64}$/, "must be 64 lower case hex digits")
      .optional(),
    "part-size-mib": z.coerce.number().int().min(5).max(5120).optional(),
    "compression-level": z.coerce.number().int().min(1).max(9).optional(),
  })
  .refine((a) => (a["expected-size"] === undefined) === (a["expected-sha256"] === undefined), {
    message: "--expected-size and --expected-sha256 go together",
  });

/** `path: message` for every issue, never the value (it may be a secret). */
function issues(error: z.ZodError, prefix = ""): string {
  return error.issues
    .map((issue) => `${prefix}${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}

/**
 * Parses the command line (`argv` without node and the script) and the environment.
 *
 * @throws BackupError `InvalidConfig` naming every invalid argument or variable.
 */
export function parseJobConfig(argv: string[], env: Record<string, string | undefined>): JobConfig {
  const [operation, ...rest] = argv;
  if (!OPERATIONS.includes(operation as Operation)) {
    throw new BackupError(
      BackupErrorCode.InvalidConfig,
      `unknown operation '${operation ?? ""}'\n${USAGE}`,
    );
  }
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: rest,
      options: {
        name: { type: "string" },
        database: { type: "string", multiple: true },
        "expected-size": { type: "string" },
        "expected-sha256": { type: "string" },
        "part-size-mib": { type: "string" },
        "compression-level": { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new BackupError(BackupErrorCode.InvalidConfig, (error as Error).message, {
      cause: error,
    });
  }
  const args = ArgsSchema.safeParse(values);
  const vars = BackupJobEnvSchema.safeParse(env);
  const problems = [
    args.success ? "" : issues(args.error),
    vars.success ? "" : issues(vars.error, "env "),
  ].filter(Boolean);
  let location: z.infer<typeof BackupStorageLocationSchema> | undefined;
  if (vars.success) {
    try {
      const parsed = BackupStorageLocationSchema.safeParse(
        JSON.parse(vars.data.PILOTHOUSE_BACKUP_STORAGE),
      );
      if (parsed.success) location = parsed.data;
      else problems.push(issues(parsed.error, "env PILOTHOUSE_BACKUP_STORAGE."));
    } catch {
      problems.push("env PILOTHOUSE_BACKUP_STORAGE: must be JSON");
    }
  }
  if (!args.success || !vars.success || !location) {
    throw new BackupError(
      BackupErrorCode.InvalidConfig,
      `invalid configuration: ${problems.join("; ")}`,
    );
  }
  const a = args.data;
  const e = vars.data;
  return {
    operation: operation as Operation,
    name: a.name,
    connection: {
      engine: e.PILOTHOUSE_BACKUP_ENGINE,
      host: e.PILOTHOUSE_BACKUP_DB_HOST,
      port: e.PILOTHOUSE_BACKUP_DB_PORT,
      user: e.PILOTHOUSE_BACKUP_DB_USER,
      password: e.PILOTHOUSE_BACKUP_DB_PASSWORD,
    },
    storage: {
      ...location,
      credentials: {
        accessKeyId: e.PILOTHOUSE_BACKUP_S3_ACCESS_KEY_ID,
        secretAccessKey: e.PILOTHOUSE_BACKUP_S3_SECRET_ACCESS_KEY,
      },
    },
    databases: a.database,
    expected:
      a["expected-size"] !== undefined && a["expected-sha256"] !== undefined
        ? { sizeBytes: a["expected-size"], sha256: a["expected-sha256"] }
        : undefined,
    partSizeBytes: a["part-size-mib"] !== undefined ? a["part-size-mib"] * 1024 * 1024 : undefined,
    compressionLevel: a["compression-level"],
    logLevel: e.PILOTHOUSE_BACKUP_LOG_LEVEL,
    terminationLog: e.PILOTHOUSE_TERMINATION_LOG,
  };
}
