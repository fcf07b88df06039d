import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { WorkQueue } from "./work-queue";

/** Drains every key available right now, in order, marking each done. */
async function drain(queue: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (queue.length > 0) {
    const key = await queue.get();
    if (key === undefined) break;
    keys.push(key);
    queue.done(key);
  }
  return keys;
}

describe("WorkQueue", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("hands out each waiting key once however often it was added, in order", async () => {
    const queue = new WorkQueue();
    queue.add("ns/a");
    queue.add("ns/b");
    queue.add("ns/a");
    queue.add("ns/a");
    expect(queue.length).toBe(2);
    expect(await drain(queue)).toEqual(["ns/a", "ns/b"]);
  });

  it("never hands a key being processed to a second worker, and re-queues it on done", async () => {
    const queue = new WorkQueue();
    queue.add("ns/a");
    const key = await queue.get();
    expect(key).toBe("ns/a");
    queue.add("ns/a");
    queue.add("ns/a");
    expect(queue.length).toBe(0);
    queue.done("ns/a");
    expect(queue.length).toBe(1);
    expect(await drain(queue)).toEqual(["ns/a"]);
  });

  it("wakes a waiting worker when a key arrives", async () => {
    const queue = new WorkQueue();
    const next = queue.get();
    queue.add("ns/a");
    expect(await next).toBe("ns/a");
    queue.add("ns/a");
    expect(queue.length).toBe(0);
    queue.done("ns/a");
    expect(queue.length).toBe(1);
  });

  it("backs off exponentially per key up to the maximum, and forget resets it", () => {
    const queue = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 1_000 });
    const delays = [1, 2, 3, 4, 5].map(() => queue.addRateLimited("ns/a"));
    expect(delays).toEqual([100, 200, 400, 800, 1_000]);
    expect(queue.addRateLimited("ns/b")).toBe(100);
    expect(queue.retries("ns/a")).toBe(5);
    queue.forget("ns/a");
    expect(queue.retries("ns/a")).toBe(0);
    expect(queue.addRateLimited("ns/a")).toBe(100);
  });

  it("queues a delayed key only when its delay has passed, keeping the earliest delay", async () => {
    const queue = new WorkQueue();
    queue.addAfter("ns/a", 1_000);
    queue.addAfter("ns/a", 5_000);
    queue.addAfter("ns/b", 3_000);
    vi.advanceTimersByTime(999);
    expect(queue.length).toBe(0);
    vi.advanceTimersByTime(1);
    expect(await drain(queue)).toEqual(["ns/a"]);
    vi.advanceTimersByTime(2_000);
    expect(await drain(queue)).toEqual(["ns/b"]);
    vi.advanceTimersByTime(10_000);
    expect(queue.length).toBe(0);
  });

  it("moves a delayed key earlier when a shorter delay is asked for", async () => {
    const queue = new WorkQueue();
    queue.addAfter("ns/a", 5_000);
    queue.addAfter("ns/a", 100);
    vi.advanceTimersByTime(100);
    expect(await drain(queue)).toEqual(["ns/a"]);
    vi.advanceTimersByTime(5_000);
    expect(queue.length).toBe(0);
  });

  it("releases waiting workers and ignores new keys after shutDown", async () => {
    const queue = new WorkQueue();
    const waiting = queue.get();
    queue.addAfter("ns/late", 100);
    queue.shutDown();
    expect(await waiting).toBeUndefined();
    queue.add("ns/a");
    vi.advanceTimersByTime(1_000);
    expect(queue.length).toBe(0);
    expect(await queue.get()).toBeUndefined();
  });
});
