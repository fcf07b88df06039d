import { describe, expect, it, vi } from "vitest";
import { MissingClusterWaiters, kafkaClusterLookup } from "./cluster-waiters";

describe("kafkaClusterLookup", () => {
  it("reads the KafkaCluster, except for clusters bound to a fixed address", async () => {
    const read = vi.fn(() => Promise.resolve(undefined));
    const lookup = kafkaClusterLookup(read, new Map([["shop/bound", {}]]));
    expect(await lookup("shop", "bound")).toEqual({
      metadata: { namespace: "shop", name: "bound" },
    });
    expect(read).not.toHaveBeenCalled();
    expect(await lookup("shop", "nosuchkafka")).toBeUndefined();
    expect(read).toHaveBeenCalledWith("shop", "nosuchkafka");
  });
});

describe("MissingClusterWaiters", () => {
  it("hands out each waiting key once, per cluster", () => {
    const waiters = new MissingClusterWaiters();
    waiters.wait("shop/events", "shop/orders");
    waiters.wait("shop/events", "shop/orders");
    waiters.wait("shop/events", "shop/payments");
    waiters.wait("shop/other", "shop/audit");
    expect(waiters.take("shop/events")).toEqual(["shop/orders", "shop/payments"]);
    expect(waiters.take("shop/events")).toEqual([]);
    expect(waiters.take("shop/other")).toEqual(["shop/audit"]);
  });
});
