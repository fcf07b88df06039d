import "server-only";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { Registry } from "prom-client";

export interface OperatorHttpServerOptions {
  /** TCP port; 0 picks a free one (see {@link OperatorHttpServer.port}). */
  port: number;
  /** Listen address; all interfaces by default, so Prometheus can scrape the pod. */
  host?: string;
  registry: Registry;
  /** `/healthz` answers 200 while this returns true, 503 otherwise. */
  healthy: () => boolean;
  logger: Logger;
}

export interface OperatorHttpServer {
  /** The port actually listened on. */
  port: number;
  close(): Promise<void>;
}

/**
 * The operator's HTTP endpoints: `GET /metrics` (Prometheus text format) and `GET /healthz`
 * (liveness: 200 `ok` while the process works, standby replicas included). Anything else is 404.
 *
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/
 */
export async function startOperatorHttpServer(
  options: OperatorHttpServerOptions,
): Promise<OperatorHttpServer> {
  const log = options.logger.child({ module: "http" });
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET") {
      response.writeHead(405, { Allow: "GET" }).end();
    } else if (path === "/metrics") {
      options.registry.metrics().then(
        (text) =>
          response.writeHead(200, { "Content-Type": options.registry.contentType }).end(text),
        (error: unknown) => {
          log.error({ err: error }, "collecting metrics failed");
          response.writeHead(500).end();
        },
      );
    } else if (path === "/healthz") {
      const healthy = options.healthy();
      response.writeHead(healthy ? 200 : 503, { "Content-Type": "text/plain" });
      response.end(healthy ? "ok\n" : "unhealthy\n");
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port }, "serving /metrics and /healthz");
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
