/**
 * Helpers of the watch hub's integration tests: an SSE frame reader for what the hub sends, the
 * apiserver's own count of open watches, and a MySQLCluster body.
 */
import { HttpMethod, KubeConfig, RequestContext } from "@kubernetes/client-node";
import { fetch } from "undici";

export interface Frame {
  id?: string;
  event?: string;
  data: string;
}

/** Parses SSE frames (`id:`, `event:`, `data:` lines; comments dropped). */
export function parseFrames(text: string): Frame[] {
  const frames: Frame[] = [];
  for (const block of text.split("\n\n")) {
    const frame: Frame = { data: "" };
    let any = false;
    for (const line of block.split("\n")) {
      const at = line.indexOf(": ");
      if (at <= 0) continue;
      const [field, value] = [line.slice(0, at), line.slice(at + 2)];
      if (field === "id") frame.id = value;
      else if (field === "event") frame.event = value;
      else if (field === "data") frame.data += value;
      else continue;
      any = true;
    }
    if (any && frame.event) frames.push(frame);
  }
  return frames;
}

/** A subscriber's sink: every frame it received, parsed. */
export class FrameSink {
  readonly frames: Frame[] = [];
  readonly send = (text: string) => this.frames.push(...parseFrames(text));

  of(event: string): Frame[] {
    return this.frames.filter((f) => f.event === event);
  }
}

/**
 * The apiserver's gauge `apiserver_longrunning_requests` of namespaced WATCH requests of one
 * resource, read from `/metrics` with the admin kubeconfig.
 */
export async function namespacedWatches(
  adminPath: string,
  group: string,
  resource: string,
): Promise<number> {
  const admin = new KubeConfig();
  admin.loadFromFile(adminPath);
  const server = admin.getCurrentCluster()?.server ?? "";
  const context = new RequestContext(`${server}/metrics`, HttpMethod.GET);
  await admin.applySecurityAuthentication(context);
  const response = await fetch(`${server}/metrics`, {
    headers: context.getHeaders(),
    dispatcher: context.getDispatcher(),
  });
  if (!response.ok) throw new Error(`GET /metrics: HTTP ${response.status}`);
  const text = await response.text();
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith("apiserver_longrunning_requests{")) continue;
    const labels = line.slice(line.indexOf("{") + 1, line.lastIndexOf("}"));
    const has = (name: string, value: string) => labels.includes(`${name}="${value}"`);
    if (has("group", group) && has("resource", resource) && has("scope", "namespace")) {
      if (has("verb", "WATCH")) total += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return total;
}

/** A small, valid MySQLCluster. */
export function mysqlClusterBody(name: string) {
  return {
    apiVersion: "mysql.pilothouse.dev/v1alpha1",
    kind: "MySQLCluster",
    metadata: { name },
    spec: {
      engine: "mysql",
      version: "8.4",
      replicas: 1,
      storage: { size: "1Gi" },
      stopped: false,
      deletionPolicy: "Retain",
      failover: { enabled: true, unreachableSeconds: 30 },
    },
  };
}

/** Retries `fn` until it stops throwing, for at most `timeoutMs` milliseconds. */
export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
