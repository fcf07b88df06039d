/**
 * Benchmark of the dashboard's live views: N Server-Sent Events clients (browsers) watch ONE
 * MySQLCluster through a running dashboard, signed in as a demo user through the real OpenID
 * login; the admin kubeconfig then writes to that object, and the script reports
 *
 * - upstream watches: the apiserver's own gauge `apiserver_longrunning_requests` of namespaced
 *   WATCH requests of mysqlclusters, before the clients and with all N connected (the delta is
 *   what the N clients cost the apiserver);
 * - the dashboard's memory: VmRSS from /proc/<pid>/status of its process tree (pid from the
 *   profile's `pids/dashboard.pid`), idle and with N clients;
 * - event delivery latency p50/p99 (ms): from the moment the write is sent to the apiserver to
 *   the moment each client has read the `change` event with the write's resourceVersion.
 *
 * Usage (a profile's platform and dashboard running, e.g. `./pilothouse up`):
 *   source "$(PILOTHOUSE_PROFILE=h6 PILOTHOUSE_PORT_OFFSET=800 ./pilothouse env)"
 *   node --import tsx scripts/bench-sse.ts [--clients 10,100,1000] [--writes 20] [--user alice@pilothouse.dev]
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  HttpMethod,
  KubeConfig,
  RequestContext,
} from "@kubernetes/client-node";
import { readFileSync, readdirSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fetch } from "undici";
import { DEMO_USERS } from "../platform/oidc/users";

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "10,100,1000" },
    writes: { type: "string", default: "20" },
    user: { type: "string", default: "alice@pilothouse.dev" },
    namespace: { type: "string", default: process.env.PILOTHOUSE_DEMO_NAMESPACE ?? "demo" },
  },
});
const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: source the profile's env.sh first`);
  return value;
};
const dashboardUrl = env("PILOTHOUSE_DASHBOARD_URL");
const adminPath = env("KUBECONFIG");
const stateDir = join(
  process.env.PILOTHOUSE_CACHE ?? join(process.env.HOME ?? "/root", ".cache/pilothouse"),
  "state",
  env("PILOTHOUSE_PROFILE"),
);
const namespace = args.namespace;
const target = `bench-sse-${Date.now().toString(36)}`;
const resource = { group: "mysql.pilothouse.dev", version: "v1alpha1", plural: "mysqlclusters" };

// ---- sign-in through the OpenID provider, with a small cookie jar per host -------------------

const jar = new Map<string, Map<string, string>>();
const cookieHeader = (url: URL) =>
  [...(jar.get(url.hostname) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join("; ");

async function request(url: URL, init: { method?: string; form?: Record<string, string> } = {}) {
  const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
  const response = await fetch(url, {
    method: init.method ?? "GET",
    redirect: "manual",
    body,
    headers: {
      cookie: cookieHeader(url),
      ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
    },
  });
  const cookies = jar.get(url.hostname) ?? new Map<string, string>();
  jar.set(url.hostname, cookies);
  for (const line of response.headers.getSetCookie()) {
    const [pair = ""] = line.split(";");
    const at = pair.indexOf("=");
    cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return response;
}

/** The session cookie header of `email`, after the dashboard's real OIDC login. */
async function signIn(email: string): Promise<string> {
  const user = DEMO_USERS.find((u) => u.email === email);
  if (!user) throw new Error(`no demo user ${email}`);
  const base = new URL(dashboardUrl);
  const csrf = (await (await request(new URL("/api/auth/csrf", base))).json()) as {
    csrfToken: string;
  };
  let response = await request(new URL("/api/auth/signin/oidc", base), {
    method: "POST",
    form: { csrfToken: csrf.csrfToken, callbackUrl: `${dashboardUrl}/`, json: "true" },
  });
  const started = (await response.json()) as { url: string };
  let next: URL | undefined = new URL(started.url);
  for (let hop = 0; next && hop < 20; hop++) {
    response = await request(next);
    const location = response.headers.get("location");
    if (location) {
      next = new URL(location, next);
      continue;
    }
    const html = await response.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (!action) break;
    response = await request(new URL(action, next), {
      method: "POST",
      form: { login: user.email, password: user.password },
    });
    const after = response.headers.get("location");
    next = after ? new URL(after, next) : undefined;
  }
  const cookie = cookieHeader(base);
  if (!/session-token=/.test(cookie)) throw new Error("sign-in did not yield a session cookie");
  return cookie;
}

// ---- SSE clients ------------------------------------------------------------------------------

interface Client {
  /** resourceVersion → when the change with that id was read (ms, performance.now()). */
  received: Map<string, number>;
  ready: Promise<void>;
  close(): void;
}

function openClient(cookie: string): Client {
  const received = new Map<string, number>();
  const url = new URL(`/api/v1/watch/mysqlclusters`, dashboardUrl);
  url.search = new URLSearchParams({ namespace, name: target }).toString();
  let req: http.ClientRequest | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    req = http.get(
      url,
      { headers: { cookie, accept: "text/event-stream" }, agent: false },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`watch: HTTP ${res.statusCode}`));
        res.setEncoding("utf8");
        let buffer = "";
        res.on("data", (chunk: string) => {
          const now = performance.now();
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const id = /^id: (.*)$/m.exec(frame)?.[1];
            const event = /^event: (.*)$/m.exec(frame)?.[1];
            if (event === "snapshot") resolve();
            if (event === "change" && id) received.set(id, now);
          }
        });
      },
    );
    req.on("error", reject);
  });
  return { received, ready, close: () => req?.destroy() };
}

// ---- measurements -----------------------------------------------------------------------------

const admin = new KubeConfig();
admin.loadFromFile(adminPath);
const objects = admin.makeApiClient(CustomObjectsApi);

async function upstreamWatches(): Promise<number> {
  const server = admin.getCurrentCluster()?.server ?? "";
  const context = new RequestContext(`${server}/metrics`, HttpMethod.GET);
  await admin.applySecurityAuthentication(context);
  const text = await (
    await fetch(`${server}/metrics`, {
      headers: context.getHeaders(),
      dispatcher: context.getDispatcher(),
    })
  ).text();
  const wanted = [
    'group="mysql.pilothouse.dev"',
    'resource="mysqlclusters"',
    'scope="namespace"',
    'verb="WATCH"',
  ];
  return text
    .split("\n")
    .filter(
      (l) => l.startsWith("apiserver_longrunning_requests{") && wanted.every((w) => l.includes(w)),
    )
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
}

/** VmRSS of the dashboard's process and its descendants, in MiB. */
function dashboardRssMiB(): number {
  const root = Number(readFileSync(join(stateDir, "pids/dashboard.pid"), "utf8").trim());
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited meanwhile
    }
  }
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let kib = 0;
  for (const pid of tree) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      kib += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    } catch {
      // exited meanwhile
    }
  }
  return kib / 1024;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function run(n: number, cookie: string, writes: number) {
  const watchesBefore = await upstreamWatches();
  const rssIdle = dashboardRssMiB();
  const clients: Client[] = [];
  for (let i = 0; i < n; i += 50) {
    const batch = Array.from({ length: Math.min(50, n - i) }, () => openClient(cookie));
    clients.push(...batch);
    await Promise.all(batch.map((c) => c.ready));
  }
  await new Promise((r) => setTimeout(r, 1_000));
  const watchesWith = await upstreamWatches();
  const latencies: number[] = [];
  let lost = 0;
  for (let w = 0; w < writes; w++) {
    const sent = performance.now();
    const patched = (await objects.patchNamespacedCustomObject({
      ...resource,
      namespace,
      name: target,
      body: [
        {
          op: "add",
          path: "/metadata/annotations",
          value: { "bench.pilothouse.dev/seq": String(w) },
        },
      ],
    })) as { metadata: { resourceVersion: string } };
    const rv = patched.metadata.resourceVersion;
    const deadline = performance.now() + 10_000;
    while (clients.some((c) => !c.received.has(rv)) && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    for (const c of clients) {
      const at = c.received.get(rv);
      if (at === undefined) lost += 1;
      else latencies.push(at - sent);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const rssWith = dashboardRssMiB();
  for (const c of clients) c.close();
  latencies.sort((a, b) => a - b);
  return {
    clients: n,
    upstreamWatchesBefore: watchesBefore,
    upstreamWatchesWithClients: watchesWith,
    upstreamWatchesOpened: watchesWith - watchesBefore,
    rssIdleMiB: Math.round(rssIdle),
    rssWithClientsMiB: Math.round(rssWith),
    deliveries: latencies.length,
    lost,
    p50Ms: Number(percentile(latencies, 50).toFixed(1)),
    p99Ms: Number(percentile(latencies, 99).toFixed(1)),
  };
}

async function main() {
  const counts = args.clients.split(",").map(Number);
  const writes = Number(args.writes);
  await admin.makeApiClient(CoreV1Api).readNamespace({ name: namespace });
  await objects.createNamespacedCustomObject({
    ...resource,
    namespace,
    body: {
      apiVersion: "mysql.pilothouse.dev/v1alpha1",
      kind: "MySQLCluster",
      metadata: { name: target },
      spec: {
        engine: "mysql",
        version: "8.4",
        replicas: 1,
        storage: { size: "1Gi" },
        stopped: true,
      },
    },
  });
  try {
    const cookie = await signIn(args.user);
    const results = [];
    for (const n of counts) {
      const result = await run(n, cookie, writes);
      console.log(JSON.stringify(result));
      results.push(result);
      await new Promise((r) => setTimeout(r, 12_000)); // the hub's linger: start each N cold
    }
    console.table(results);
  } finally {
    await objects
      .deleteNamespacedCustomObject({ ...resource, namespace, name: target })
      .catch(() => undefined);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
