import { describe, expect, it } from "vitest";
import { headlessServiceAddress, resolverWithOverrides } from "./addresses";
import { aPod } from "./test-fixtures";

describe("pod to address", () => {
  it("reaches a pod through its stable name in the cluster's headless Service", () => {
    expect(headlessServiceAddress(aPod(2, true))).toEqual({
      host: "orders-2.orders-headless.shop.svc",
      port: 3306,
    });
    expect(() => headlessServiceAddress({ metadata: { name: "x", namespace: "shop" } })).toThrow(
      "is not a MySQLCluster server",
    );
  });

  it("answers from the overrides first (tests bind KWOK pods to local servers)", () => {
    const resolve = resolverWithOverrides(
      new Map([["shop/orders-0", { host: "127.0.0.1", port: 13312 }]]),
    );
    expect(resolve(aPod(0, true))).toEqual({ host: "127.0.0.1", port: 13312 });
    expect(resolve(aPod(1, true)).host).toBe("orders-1.orders-headless.shop.svc");
  });
});
