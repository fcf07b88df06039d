/**
 * Holds an existing-cluster restore at its most delicate moment — writes stopped on the target's
 * primary, the cluster marked busy — long enough for the MySQLCluster controller to probe the
 * servers several times, and records what the primary said meanwhile. The hold is the restore's
 * own pause annotation: a paused restore keeps the cluster's restore-in-progress annotation, so
 * the cluster controller sees exactly what it sees while a restore Job runs.
 */
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";
import type { MySQLRestore } from "@/lib/crds/mysql-restore";
import type { DatabaseConnection } from "@/server/backup/connection";
import { eventually } from "./eventually";
import type { restoreObjects } from "./restore-objects";
import { readOnlyOf } from "./restore-platform";

/** What the primary and the cluster said while the restore was held. */
export interface HoldRecord {
  /** `@@global.read_only` of the primary, sampled every `sampleMs` over the hold. */
  readOnly: number[];
  /** Milliseconds from the first to the last sample. */
  spanMs: number;
  /** The target cluster as read at the end of the hold. */
  cluster: MySQLCluster;
}

const finished = (r: MySQLRestore) => ["Succeeded", "Failed"].includes(r.status?.phase ?? "");

/**
 * Waits (polling every 50 ms, well under the time a KWOK Job takes to complete) for the restore
 * `name` to report `WritesStopped=True`, pauses it, waits for it to say it is paused, samples the
 * primary `server`'s read_only for `holdMs`, reads cluster `clusterName`, then resumes the restore.
 *
 * @throws Error when the restore finished before it could be held (the hold would prove nothing).
 */
export async function holdRestoreWithWritesStopped(
  objects: ReturnType<typeof restoreObjects>,
  options: {
    name: string;
    clusterName: string;
    server: DatabaseConnection;
    holdMs: number;
    sampleMs?: number;
    check: () => void;
  },
): Promise<HoldRecord> {
  const { name, server, holdMs, sampleMs = 250, check } = options;
  const early = (r: MySQLRestore) =>
    new Error(`MySQLRestore ${name} finished (${r.status?.phase}) before the test could hold it`);
  await eventually(
    `${name} to stop writes`,
    async () => {
      const restore = await objects.readRestore(name);
      if (finished(restore)) throw early(restore);
      const stopped = restore.status?.conditions?.some(
        (c) => c.type === "WritesStopped" && c.status === "True",
      );
      return stopped ? restore : undefined;
    },
    { check, timeoutMs: 60_000, intervalMs: 50 },
  );
  await objects.pause("mysqlrestores", name);
  const paused = await objects.until(
    `${name} to say it is paused (or to finish)`,
    () => objects.readRestore(name),
    (r) =>
      finished(r) ||
      (r.status?.conditions?.some((c) => c.type === "Paused" && c.status === "True") ?? false),
  );
  if (finished(paused)) throw early(paused);
  const readOnly: number[] = [];
  const start = Date.now();
  let last = start;
  while (last - start < holdMs) {
    check();
    readOnly.push(await readOnlyOf(server));
    last = Date.now();
    await new Promise((resolve) => setTimeout(resolve, sampleMs));
  }
  const cluster = await objects.readCluster(options.clusterName);
  await objects.unpause("mysqlrestores", name);
  return { readOnly, spanMs: last - start, cluster };
}
