/**
 * Restarts the local platform's kube-apiserver process, and only it (etcd, the controller
 * manager, the scheduler and KWOK keep running), the way a crash and a supervisor's restart
 * would: SIGKILL to its process group, a pause while nothing answers, then the same binary with
 * the same arguments, detached in its own session as `platform/scripts/common.sh`'s `start_bg`
 * starts it, logging to the same file and recorded in the same pid file (so
 * `control-plane.sh stop` still stops it).
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { VersionApi, type KubeConfig } from "@kubernetes/client-node";
import { platformState } from "../backup-platform";
import { eventually } from "./eventually";

/** True while the process runs: it exists and is not a zombie waiting for its parent. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/**
 * Stops the apiserver, waits `downMs`, starts it again and waits until it answers `admin`.
 * Returns how long the apiserver did not answer, in ms (from the stop to the first answer).
 *
 * @throws Error when the platform's apiserver is not running (no pid file or no process), or
 *   does not answer within 90 s of its start.
 */
export async function restartApiserver(admin: KubeConfig, downMs: number): Promise<number> {
  const state = platformState();
  const pidFile = join(state, "pids", "kube-apiserver.pid");
  const pid = Number((await readFile(pidFile, "utf8")).trim());
  if (!pid || !alive(pid)) throw new Error(`no kube-apiserver runs (pid file ${pidFile})`);
  const argv = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").filter(Boolean);
  const [binary, ...args] = argv;
  if (!binary?.endsWith("kube-apiserver")) throw new Error(`pid ${pid} is not kube-apiserver`);
  const stoppedAt = Date.now();
  // SIGKILL, as a crash: a graceful stop waits up to a minute for in-flight requests to end.
  process.kill(-pid, "SIGKILL");
  await eventually(`kube-apiserver (pid ${pid}) to exit`, () =>
    Promise.resolve(alive(pid) ? undefined : true),
  );
  await sleep(downMs);
  const log = openSync(join(state, "logs", "kube-apiserver.log"), "a");
  const child = spawn(binary, args, { detached: true, stdio: ["ignore", log, log] });
  closeSync(log);
  child.unref();
  await writeFile(pidFile, `${child.pid}\n`);
  const version = admin.makeApiClient(VersionApi);
  await eventually("kube-apiserver to answer again", () => version.getCode(), {
    timeoutMs: 90_000,
    intervalMs: 200,
  });
  return Date.now() - stoppedAt;
}
