/**
 * The backup command, run by the backup and restore Jobs in the operator's own image:
 *
 *   node --conditions=react-server --import tsx server/backup/cli.ts backup  --name <name>
 *   node --conditions=react-server --import tsx server/backup/cli.ts verify  --name <name> [...]
 *   node --conditions=react-server --import tsx server/backup/cli.ts restore --name <name> [...]
 *
 * (`--conditions=react-server` makes the modules' `import "server-only"` resolve, as for the
 * operator.) Configuration comes from the environment and the arguments (see ./cli-config.ts).
 * The result is one JSON line on stdout (see ./result.ts), also written to the termination
 * message file so that the operator reads it from the pod's status; logs go to stderr.
 * Exit code: 0 only when the operation succeeded (for a backup: uploaded and verified),
 * 1 when it failed, 2 when the configuration is invalid.
 *
 * @see https://kubernetes.io/docs/tasks/debug/debug-application/determine-reason-pod-failure/#customizing-the-termination-message
 */
import { existsSync, writeFileSync } from "node:fs";
import { runBackup } from "./backup";
import { parseJobConfig, type JobConfig } from "./cli-config";
import { BackupErrorCode, describeError } from "./errors";
import { createBackupLogger } from "./log";
import { runRestore } from "./restore";
import { formatResultLine, timesSince, type JobResult } from "./result";
import { runVerify } from "./verify";

const DEFAULT_TERMINATION_LOG = "/dev/termination-log";

/** Prints the result line and writes it to the termination log when there is one. */
function report(result: JobResult, terminationLog: string | undefined): void {
  const line = formatResultLine(result);
  process.stdout.write(`${line}\n`);
  const path =
    terminationLog ?? (existsSync(DEFAULT_TERMINATION_LOG) ? DEFAULT_TERMINATION_LOG : "");
  if (!path) return;
  try {
    writeFileSync(path, line);
  } catch (error) {
    process.stderr.write(`cannot write the termination log ${path}: ${(error as Error).message}\n`);
  }
}

async function run(config: JobConfig): Promise<JobResult> {
  const log = createBackupLogger(config.logLevel);
  const common = { storage: config.storage, name: config.name, log };
  switch (config.operation) {
    case "backup":
      return runBackup({
        ...common,
        connection: config.connection,
        databases: config.databases,
        partSizeBytes: config.partSizeBytes,
        compressionLevel: config.compressionLevel,
      });
    case "verify":
      return runVerify({ ...common, expected: config.expected });
    case "restore":
      return runRestore({ ...common, connection: config.connection, expected: config.expected });
  }
}

async function main(): Promise<void> {
  const started = new Date();
  let config: JobConfig;
  try {
    config = parseJobConfig(process.argv.slice(2), process.env);
  } catch (error) {
    const operation = process.argv[2];
    report(
      {
        operation:
          operation === "backup" || operation === "verify" || operation === "restore"
            ? operation
            : "unknown",
        phase: "Failed",
        ...timesSince(started),
        error: describeError(error, BackupErrorCode.InvalidConfig),
      },
      process.env.PILOTHOUSE_TERMINATION_LOG,
    );
    process.exitCode = 2;
    return;
  }
  const result = await run(config);
  report(result, config.terminationLog);
  process.exitCode = result.phase === "Succeeded" ? 0 : 1;
}

await main();
