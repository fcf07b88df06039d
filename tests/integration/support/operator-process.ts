/**
 * Runs the real operator (server/operator/main.ts) as a child process, exactly as
 * `npm run operator` does, with the operator's own ServiceAccount kubeconfig.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync, readFileSync, closeSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./kube-admin";
import { eventually } from "./eventually";

export class OperatorProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly logFile: string,
  ) {}

  /**
   * Starts the operator and waits until its informers have listed (which proves it can reach
   * the apiserver and has the RBAC to list and watch).
   *
   * @param kubeconfig the operator's kubeconfig file.
   * @param shard the operator shard (`PILOTHOUSE_OPERATOR_SHARD`): this operator reconciles only
   *   clusters labelled `pilothouse.dev/operator-shard=<shard>`, and an operator already running
   *   on the platform leaves them alone, so what the test sees is this process's work. Also names
   *   the log file: `.cache/test-logs/operator-<shard>.log`.
   */
  static async start(kubeconfig: string, shard: string): Promise<OperatorProcess> {
    const logDir = join(REPO_ROOT, ".cache", "test-logs");
    mkdirSync(logDir, { recursive: true });
    const logFile = join(logDir, `operator-${shard}.log`);
    const log = openSync(logFile, "w");
    const child = spawn(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", "server/operator/main.ts"],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          KUBECONFIG: kubeconfig,
          PILOTHOUSE_OPERATOR_LOG_LEVEL: "debug",
          PILOTHOUSE_OPERATOR_SHARD: shard,
          POD_NAME: `integration-${shard}`,
        },
        stdio: ["ignore", log, log],
      },
    );
    closeSync(log);
    const operator = new OperatorProcess(child, logFile);
    await eventually(
      "the operator's caches to sync",
      () => Promise.resolve(operator.log().includes("caches synced") ? true : undefined),
      { timeoutMs: 60_000, check: () => operator.assertRunning() },
    );
    return operator;
  }

  /** Everything the operator has logged so far. */
  log(): string {
    return readFileSync(this.logFile, "utf8");
  }

  /** @throws Error with the end of the log when the operator has exited. */
  assertRunning(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) return;
    const tail = this.log().split("\n").slice(-20).join("\n");
    throw new Error(
      `the operator exited (${this.child.exitCode ?? this.child.signalCode}):\n${tail}`,
    );
  }

  /** Sends SIGTERM and waits for the process to exit (SIGKILL after 10 s). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
