/**
 * Runs the real operator (server/operator/main.ts) as a child process, exactly as
 * `npm run operator` does, with the operator's own ServiceAccount kubeconfig.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { CoordinationV1Api, type KubeConfig } from "@kubernetes/client-node";
import { mkdirSync, openSync, readFileSync, closeSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./kube-admin";
import { eventually } from "./eventually";

export interface OperatorProcessOptions {
  /** Extra environment, e.g. PILOTHOUSE_OPERATOR_INSTANCE_ADDRESSES. */
  env?: Record<string, string>;
  /** This process's identity (POD_NAME: Events' reportingInstance, the Lease holder) and the
   *  log file's name; `integration-<shard>` by default. */
  identity?: string;
  /** Wait until the controllers run (default), or only until the process waits for the Lease. */
  waitFor?: "running" | "candidate";
}

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
  static async start(
    kubeconfig: string,
    shard: string,
    options: OperatorProcessOptions = {},
  ): Promise<OperatorProcess> {
    const identity = options.identity ?? `integration-${shard}`;
    const logDir = join(REPO_ROOT, ".cache", "test-logs");
    mkdirSync(logDir, { recursive: true });
    const logFile = join(logDir, `operator-${identity.replace(/^integration-/, "")}.log`);
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
          // Any free port: the platform's own operator may hold the configured one.
          PILOTHOUSE_OPERATOR_METRICS_PORT: "0",
          POD_NAME: identity,
          ...options.env,
        },
        stdio: ["ignore", log, log],
      },
    );
    closeSync(log);
    const operator = new OperatorProcess(child, logFile);
    const marker =
      options.waitFor === "candidate" ? "waiting for the leader lease" : "caches synced";
    await eventually(
      `the operator to log "${marker}"`,
      () => Promise.resolve(operator.log().includes(marker) ? true : undefined),
      { timeoutMs: 60_000, check: () => operator.assertRunning() },
    );
    return operator;
  }

  /**
   * Deletes the leader Lease of a shard's operators (`pilothouse-system/pilothouse-operator-<shard>`),
   * which outlives them; call after stopping them.
   */
  static async removeLease(admin: KubeConfig, shard: string): Promise<void> {
    await admin
      .makeApiClient(CoordinationV1Api)
      .deleteNamespacedLease({
        namespace: "pilothouse-system",
        name: `pilothouse-operator-${shard}`,
      })
      .catch(() => undefined);
  }

  /** The port of /metrics and /healthz, from the log. */
  metricsPort(): number {
    const match = /"port":(\d+)[^\n]*"msg":"serving \/metrics and \/healthz"/.exec(this.log());
    if (!match) throw new Error(`no metrics port in ${this.logFile}`);
    return Number(match[1]);
  }

  /** True while the process runs. */
  running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL, as a crash or a lost node would: no Lease release, no cleanup. */
  async kill(): Promise<void> {
    if (!this.running()) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGKILL");
    await exited;
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
