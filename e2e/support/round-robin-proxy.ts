/**
 * A tiny HTTP load balancer for the two-replica test: every request (not every connection) goes
 * to the next dashboard replica in turn — no sticky sessions, no affinity of any kind — and
 * responses are streamed through unbuffered (Server-Sent Events pass as they are written).
 * The test can cut every open event stream, as a proxy restart or an idle timeout would, and
 * reads a log of which replica served which request.
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ServedRequest {
  method: string;
  path: string;
  /** Index of the replica in `targets`. */
  replica: number;
  /** The `Last-Event-ID` the request carried (an EventSource reconnecting). */
  lastEventId?: string;
  status?: number;
}

export interface RoundRobinProxy {
  url: string;
  served: ServedRequest[];
  /** Destroys every open `text/event-stream` response (both sides of the connection). */
  cutEventStreams(): number;
  close(): Promise<void>;
}

/**
 * Starts the proxy on 127.0.0.1.
 *
 * @param targets - base URLs of the replicas, e.g. `["http://127.0.0.1:3800", ...]`.
 * @param port - the port to listen on (0: any free port).
 */
export async function startRoundRobinProxy(targets: string[], port = 0): Promise<RoundRobinProxy> {
  let next = 0;
  const served: ServedRequest[] = [];
  const streams = new Set<{ client: http.ServerResponse; upstream: http.IncomingMessage }>();
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    const replica = next;
    next = (next + 1) % targets.length;
    const target = new URL(req.url ?? "/", targets[replica]);
    const lastEventId = req.headers["last-event-id"];
    const record: ServedRequest = {
      method: req.method ?? "GET",
      path: req.url ?? "/",
      replica,
      lastEventId: typeof lastEventId === "string" ? lastEventId : undefined,
    };
    served.push(record);
    const upstreamReq = http.request(
      target,
      // The Host header stays the browser's, as behind a real load balancer.
      { method: req.method, headers: req.headers, agent: false },
      (upstream) => {
        record.status = upstream.statusCode;
        res.writeHead(upstream.statusCode ?? 502, upstream.rawHeaders);
        res.flushHeaders();
        const stream = { client: res, upstream };
        if (String(upstream.headers["content-type"]).startsWith("text/event-stream")) {
          streams.add(stream);
          res.on("close", () => streams.delete(stream));
        }
        upstream.pipe(res);
        res.on("close", () => upstream.destroy());
      },
    );
    upstreamReq.on("error", () => {
      if (!res.headersSent) res.writeHead(502).end("replica unreachable");
      else res.destroy();
    });
    req.pipe(upstreamReq);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;

  return {
    url: `http://localhost:${bound}`,
    served,
    cutEventStreams() {
      const n = streams.size;
      for (const { client, upstream } of streams) {
        upstream.destroy();
        client.destroy();
      }
      streams.clear();
      return n;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
