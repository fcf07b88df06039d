import { afterEach, describe, expect, it } from "vitest";
import { KINDS } from "@/lib/api/kinds";
import type { UserIdentity } from "../auth/identity";
import type { UserKubeClients } from "./client";
import { WatchHub } from "./watch-hub";
import type { AccessDecision } from "./watch-hub-access";

/**
 * The hub's fan-out, filtering, resume and lifecycle with the apiserver faked at client-node's
 * `Watch` and list calls (the real apiserver is in tests/integration/watch-hub*.test.ts).
 */

const kind = KINDS[0];
const user: UserIdentity = { username: "u@x", email: "u@x", name: "U", groups: [] };
const cluster = (name: string, rv: string) => ({
  apiVersion: "mysql.pilothouse.dev/v1alpha1",
  kind: "MySQLCluster",
  metadata: { name, namespace: "ns", resourceVersion: rv },
  spec: { engine: "mysql", replicas: 1, storage: { size: "1Gi" } },
});

/** A fake apiserver: one namespace's objects, and the callback of the open watch request. */
class FakeApiserver {
  items: unknown[] = [];
  listRv = "10";
  watches = 0;
  aborted = 0;
  private emit?: (phase: string, object: unknown) => void;

  clients(): UserKubeClients {
    const watch = {
      watch: (
        _path: string,
        _params: unknown,
        callback: (phase: string, object: unknown) => void,
      ) => {
        this.watches += 1;
        this.emit = callback;
        const controller = new AbortController();
        controller.signal.addEventListener("abort", () => (this.aborted += 1));
        return Promise.resolve(controller);
      },
    };
    const customObjects = {
      listNamespacedCustomObject: () =>
        Promise.resolve({ items: this.items, metadata: { resourceVersion: this.listRv } }),
    };
    return { identity: user, watch, customObjects } as unknown as UserKubeClients;
  }

  change(type: string, object: unknown) {
    this.emit?.(type, object);
  }
}

let api: FakeApiserver;
let decision: AccessDecision;
const hubs: WatchHub[] = [];

function newHub(options: { ringSize?: number; lingerMs?: number; recheckMs?: number } = {}) {
  api = new FakeApiserver();
  decision = { allowed: true, reason: "" };
  const hub = new WatchHub({
    clientsFor: () => Promise.resolve(api.clients()),
    checkAccess: () => Promise.resolve(decision),
    ...options,
  });
  hubs.push(hub);
  return hub;
}

function subscribe(hub: WatchHub, options: { name?: string; lastEventId?: string } = {}) {
  const frames: string[] = [];
  const leave = new AbortController();
  const ended = hub.subscribe({
    kind,
    namespace: "ns",
    user,
    ...options,
    send: (f) => frames.push(f),
    signal: leave.signal,
  });
  const events = (type: string) => frames.filter((f) => f.includes(`event: ${type}\n`));
  return { frames, events, ended, leave: () => leave.abort() };
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
const idOf = (frame: string | undefined) => /^id: (.*)$/m.exec(frame ?? "")?.[1];

afterEach(() => {
  for (const hub of hubs.splice(0)) hub.close();
});

describe("WatchHub", () => {
  it("fans one upstream watch out to every subscriber, filtering by name in the hub", async () => {
    const hub = newHub();
    const all = subscribe(hub);
    const onlyA = subscribe(hub, { name: "a" });
    api.items = [cluster("a", "5"), cluster("b", "6")];
    await tick();
    expect(api.watches).toBe(1);
    expect(all.events("snapshot")[0]).toContain('"name":"b"');
    expect(onlyA.events("snapshot")[0]).toContain('"name":"a"');
    expect(onlyA.events("snapshot")[0]).not.toContain('"name":"b"');

    api.change("MODIFIED", cluster("b", "11"));
    api.change("MODIFIED", cluster("a", "12"));
    expect(all.events("change").map(idOf)).toEqual(["11", "12"]);
    expect(onlyA.events("change").map(idOf)).toEqual(["12"]);
    expect(hub.upstreamCount).toBe(1);
    expect(hub.subscriberCount).toBe(2);
  });

  it("replays from Last-Event-ID while the ring has it, and sends the current state when not", async () => {
    const hub = newHub({ ringSize: 3, lingerMs: 60_000 });
    const first = subscribe(hub);
    await tick();
    for (const [i, name] of ["a", "b", "c", "d", "e"].entries()) {
      api.change("ADDED", cluster(name, String(20 + i)));
    }
    const recent = subscribe(hub, { lastEventId: "22" });
    expect(recent.events("snapshot")).toHaveLength(0);
    expect(recent.events("change").map(idOf)).toEqual(["23", "24"]);

    const old = subscribe(hub, { lastEventId: "20" });
    expect(old.events("change")).toHaveLength(0);
    const snapshot = old.events("snapshot")[0] ?? "";
    expect(idOf(snapshot)).toBe("24");
    for (const name of ["a", "b", "c", "d", "e"]) expect(snapshot).toContain(`"name":"${name}"`);
    expect(first.events("change")).toHaveLength(5);
  });

  it("stops the upstream watch a linger after the last subscriber leaves, not before", async () => {
    const hub = newHub({ lingerMs: 50 });
    const one = subscribe(hub);
    await tick();
    one.leave();
    await one.ended;
    const two = subscribe(hub); // back within the linger: the same upstream
    await tick(80);
    expect(hub.upstreamsStarted).toBe(1);
    expect(api.aborted).toBe(0);
    two.leave();
    await two.ended;
    await tick(80);
    expect(hub.upstreamCount).toBe(0);
    expect(api.aborted).toBe(1);
  });

  it("ends the stream of a subscriber whose access is revoked, with a 403 stream-error", async () => {
    const hub = newHub({ recheckMs: 20 });
    const sub = subscribe(hub);
    await tick(30);
    expect(sub.events("stream-error")).toHaveLength(0);
    decision = {
      allowed: false,
      reason: 'User "u@x" may not list mysqlclusters in namespace "ns".',
    };
    await sub.ended;
    expect(sub.events("stream-error")[0]).toContain('"code":"Forbidden"');
    expect(hub.subscriberCount).toBe(0);
  });

  it("watches upstream with upstreamClients when given (passthrough), never as a subscriber", async () => {
    const own = new FakeApiserver();
    own.items = [cluster("a", "5")];
    const asked: string[] = [];
    const hub = new WatchHub({
      clientsFor: (u) => {
        asked.push(u.username);
        return Promise.resolve({ identity: u } as UserKubeClients);
      },
      upstreamClients: () => Promise.resolve(own.clients()),
      checkAccess: () => Promise.resolve({ allowed: true, reason: "" }),
    });
    hubs.push(hub);
    const sub = subscribe(hub);
    await tick();
    expect(own.watches).toBe(1);
    expect(sub.events("snapshot")[0]).toContain('"name":"a"');
    // Only the subscriber's own clients (for its re-checks) were asked for, as the subscriber.
    expect(asked).toEqual([user.username]);
  });

  it("re-checks with the subscriber's own clients, and ends with 401 when their token expired", async () => {
    const mine = { identity: user } as UserKubeClients;
    const seen: (UserKubeClients | undefined)[] = [];
    let expired = false;
    const hub = new WatchHub({
      clientsFor: () => Promise.resolve(api.clients()),
      checkAccess: async (_u, _ref, asUser) => {
        seen.push(await asUser);
        if (expired) throw Object.assign(new Error("the ID token expired"), { status: 401 });
        return { allowed: true, reason: "" };
      },
      recheckMs: 20,
    });
    api = new FakeApiserver();
    hubs.push(hub);
    const frames: string[] = [];
    const ended = hub.subscribe({
      kind,
      namespace: "ns",
      user,
      asUser: mine,
      send: (f) => frames.push(f),
      signal: new AbortController().signal,
    });
    await tick(30);
    expect(seen[0]).toBe(mine);
    expect(frames.some((f) => f.includes("stream-error"))).toBe(false);
    expired = true;
    await ended;
    expect(frames.at(-1)).toContain("event: stream-error");
    expect(frames.at(-1)).toContain('"code":"Unauthorized"');
  });
});
