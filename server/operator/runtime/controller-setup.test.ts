import { pino } from "pino";
import { describe, expect, it, vi } from "vitest";
import { Controller } from "./controller";
import { observedBy, queueOnEvent, startControllers } from "./controller-setup";
import { Informer, type ListWatchSource } from "./informer";
import { WorkQueue } from "./work-queue";
import { controllerOwnerKey } from "./watched-object";

const logger = pino({ level: "silent" });
const owner = { apiVersion: "mysql.pilothouse.dev/v1alpha1", kind: "MySQLBackup" };

/** A source that lists `items` once and then keeps its watch open until stopped. */
function listedOnce(items: unknown[]): ListWatchSource {
  return {
    list: () => Promise.resolve({ items, resourceVersion: "1" }),
    watch: (_, __, signal) =>
      new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve())),
  };
}

const job = (name: string, backup?: string) => ({
  metadata: {
    name,
    namespace: "shop",
    resourceVersion: "1",
    ownerReferences: backup
      ? [{ ...owner, name: backup, uid: `uid-${backup}`, controller: true }]
      : undefined,
  },
});

describe("controller wiring", () => {
  it("reconciles the controlling owner of each listed object, and nothing for orphans", async () => {
    const jobs = new Informer({
      name: "jobs",
      logger,
      source: listedOnce([job("a-backup", "a"), job("stray")]),
    });
    const queue = new WorkQueue();
    queueOnEvent(jobs, queue, (object) => controllerOwnerKey(object, owner));
    const reconciled: string[] = [];
    const controller = new Controller({
      name: "test",
      queue,
      workers: 1,
      logger,
      reconcile: (key) => {
        reconciled.push(key);
        return Promise.resolve();
      },
    });
    const running = startControllers({
      informers: [jobs],
      controllers: [controller],
      resyncSeconds: 3600,
      resync: [],
    });
    await running.waitForSync();
    await vi.waitFor(() => expect(reconciled).toEqual(["shop/a"]));
    await running.stop();
  });

  it("queues every cached object again at each resync", async () => {
    vi.useFakeTimers();
    try {
      const backups = new Informer({
        name: "backups",
        logger,
        source: listedOnce([job("nightly")]),
      });
      const queue = new WorkQueue();
      const running = startControllers({
        informers: [backups],
        controllers: [],
        resyncSeconds: 30,
        resync: [{ informer: backups, queue }],
      });
      await running.waitForSync();
      expect(queue.length).toBe(0);
      await vi.advanceTimersByTimeAsync(30_000);
      expect(queue.length).toBe(1);
      expect(await queue.get()).toBe("shop/nightly");
      await running.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it("reports each reconcile's duration to the metrics, when there are metrics", () => {
    const observeReconcile = vi.fn();
    const { observe } = observedBy({ observeReconcile }, "mysqlrestore");
    observe?.(0.5, true);
    expect(observeReconcile).toHaveBeenCalledWith("mysqlrestore", 0.5, true);
    expect(observedBy(undefined, "mysqlrestore")).toEqual({});
  });
});
