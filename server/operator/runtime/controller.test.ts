import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { Controller } from "./controller";
import { WorkQueue } from "./work-queue";

const logger = pino({ level: "silent" });

async function until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting for condition");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe("Controller", () => {
  it("retries a failing key with backoff and forgets the backoff after a success", async () => {
    const queue = new WorkQueue({ baseDelayMs: 1, maxDelayMs: 5 });
    const attempts: string[] = [];
    const controller = new Controller({
      name: "test",
      queue,
      workers: 1,
      logger,
      reconcile: (key) => {
        attempts.push(key);
        return attempts.length < 3 ? Promise.reject(new Error("boom")) : Promise.resolve();
      },
    });
    controller.start();
    queue.add("ns/a");
    await until(() => attempts.length === 3);
    await until(() => queue.retries("ns/a") === 0);
    await controller.stop();
    expect(attempts).toEqual(["ns/a", "ns/a", "ns/a"]);
  });

  it("never reconciles one key twice at once, however many workers", async () => {
    const queue = new WorkQueue();
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    const controller = new Controller({
      name: "test",
      queue,
      workers: 4,
      logger,
      reconcile: async () => {
        calls += 1;
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 10));
        running -= 1;
      },
    });
    controller.start();
    queue.add("ns/a");
    await until(() => running === 1);
    queue.add("ns/a");
    queue.add("ns/a");
    await until(() => calls === 2 && running === 0);
    await controller.stop();
    expect(maxRunning).toBe(1);
    expect(calls).toBe(2);
  });

  it("requeues after the delay a reconcile asks for", async () => {
    const queue = new WorkQueue();
    let calls = 0;
    const controller = new Controller({
      name: "test",
      queue,
      workers: 1,
      logger,
      reconcile: () => {
        calls += 1;
        return Promise.resolve(calls === 1 ? { requeueAfterMs: 5 } : undefined);
      },
    });
    controller.start();
    queue.add("ns/a");
    await until(() => calls === 2);
    await controller.stop();
    expect(calls).toBe(2);
  });
});
