/**
 * An HTTP-level fault-injecting proxy between the dashboard's Kubernetes clients and the real
 * apiserver, for integration tests. Unlike e2e/support/apiserver-fault-proxy.ts (TCP: cut and
 * restore only) it terminates TLS with a serving certificate signed by the platform's own CA
 * (so clients keep trusting the kubeconfig's `certificate-authority-data` and keep sending their
 * `Authorization` bearer token, which it forwards), so it can see and change requests:
 *
 * - {@link HttpFaultProxy.dropWatches}: destroy every open watch connection mid-stream;
 * - {@link HttpFaultProxy.expireNextWatches}: answer the next N watch requests with HTTP 410 Gone
 *   and a `metav1.Status` of reason `Expired`, as the apiserver does for a compacted
 *   resourceVersion;
 * - {@link HttpFaultProxy.injectExpired}: write an in-stream `ERROR` event (a 410 `Status`) into
 *   every open watch at an event boundary, then end it, as the apiserver does;
 * - {@link HttpFaultProxy.failRequests}: answer non-watch requests with an HTTP status or drop
 *   their connection without an answer;
 * - counts of watch requests seen and watches open.
 *
 * Responses are streamed chunk by chunk as they arrive (watches are newline-delimited JSON).
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#410-gone-responses
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
 */
// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import type {
  ClientRequest,
  IncomingHttpHeaders,
  IncomingMessage,
  ServerResponse,
} from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** Where the proxy forwards to and how it gets its serving certificate. */
export interface HttpFaultProxyOptions {
  /** The apiserver, e.g. `https://127.0.0.1:8443`. */
  target: string;
  /** PEM certificate of the CA that signed the apiserver's certificate (trusted upstream). */
  caCertificatePath: string;
  /** PEM PKCS#8 RSA private key of that CA; signs the proxy's serving certificate. */
  caKeyPath: string;
}

/** What non-watch requests get while a fault is set. */
export type RequestFault = { kind: "status"; status: number; message: string } | { kind: "drop" };

interface OpenWatch {
  response: ServerResponse;
  upstream: ClientRequest;
  /** The last byte written ended an event (a newline), so an event may be inserted now. */
  atBoundary: boolean;
  /** An in-stream event waiting for the next boundary. */
  pending?: string;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) that a proxy must not forward. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
]);

function forwardable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
  );
}

/** A `metav1.Status` failure body. */
function statusBody(code: number, reason: string, message: string) {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  };
}

const EXPIRED_MESSAGE = "too old resource version: 1 (injected by the fault proxy)";

function isWatch(url: string | undefined): boolean {
  const watch = new URL(url ?? "/", "https://proxy").searchParams.get("watch");
  return watch === "true" || watch === "1";
}

/** A serving certificate for 127.0.0.1 and localhost, valid one day, signed by the CA. */
async function servingCertificate(caCertificatePem: string, caKeyPem: string) {
  const ca = new x509.X509Certificate(caCertificatePem);
  const signingAlgorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;
  const caKey = await webcrypto.subtle.importKey(
    "pkcs8",
    x509.PemConverter.decodeFirst(caKeyPem),
    signingAlgorithm,
    false,
    ["sign"],
  );
  const algorithm = { name: "ECDSA", namedCurve: "P-256" } as const;
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  const serial = webcrypto.getRandomValues(new Uint8Array(16));
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(serial).toString("hex"),
    subject: "CN=pilothouse-test-fault-proxy",
    issuer: ca.subject,
    notBefore: new Date(now - 60 * 60 * 1000),
    notAfter: new Date(now + 24 * 60 * 60 * 1000),
    signingAlgorithm,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: "ip", value: "127.0.0.1" },
        { type: "dns", value: "localhost" },
      ]),
    ],
  });
  const key = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return {
    cert: certificate.toString("pem"),
    key: x509.PemConverter.encode(key, "PRIVATE KEY"),
  };
}

export class HttpFaultProxy {
  /** Watch requests received (including the ones answered with a fault). */
  watchRequests = 0;
  /** Watch requests answered 410 Gone by {@link expireNextWatches}. */
  watchesExpired = 0;
  /** Non-watch requests received. */
  otherRequests = 0;
  private readonly watches = new Set<OpenWatch>();
  private expireNext = 0;
  private fault: RequestFault | undefined;

  private constructor(
    private readonly server: https.Server,
    private readonly target: URL,
    private readonly agent: https.Agent,
  ) {
    server.on("request", (req: IncomingMessage, res: ServerResponse) => this.handle(req, res));
  }

  /**
   * Starts a proxy on an ephemeral port of 127.0.0.1.
   *
   * @throws Error when the CA files cannot be read or the key is not a PKCS#8 RSA key.
   */
  static async start(options: HttpFaultProxyOptions): Promise<HttpFaultProxy> {
    const [caPem, caKeyPem] = await Promise.all([
      readFile(options.caCertificatePath, "utf8"),
      readFile(options.caKeyPath, "utf8"),
    ]);
    const server = https.createServer(await servingCertificate(caPem, caKeyPem));
    const agent = new https.Agent({ ca: caPem, keepAlive: true });
    const proxy = new HttpFaultProxy(server, new URL(options.target), agent);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  /** The proxy's URL, e.g. `https://127.0.0.1:40123`. */
  get url(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Watches currently streaming through the proxy. */
  get openWatches(): number {
    return this.watches.size;
  }

  /**
   * Writes a copy of a kubeconfig whose clusters point at the proxy (credentials and CA kept).
   *
   * @param sourcePath - the kubeconfig to copy.
   * @param targetPath - where to write the copy (JSON, which kubeconfig loaders accept).
   */
  async writeKubeconfig(sourcePath: string, targetPath: string): Promise<void> {
    const source = new KubeConfig();
    source.loadFromFile(sourcePath);
    const copy = new KubeConfig();
    copy.loadFromOptions({
      clusters: source.clusters.map((c) => ({ ...c, server: this.url })),
      users: source.users,
      contexts: source.contexts,
      currentContext: source.currentContext,
    });
    await writeFile(targetPath, copy.exportConfig(), { mode: 0o600 });
  }

  /** Destroys every open watch connection mid-stream, both sides; returns how many. */
  dropWatches(): number {
    const n = this.watches.size;
    for (const watch of this.watches) {
      watch.response.socket?.destroy();
      watch.upstream.destroy();
    }
    this.watches.clear();
    return n;
  }

  /** Answers the next `n` watch requests with HTTP 410 Gone (reason `Expired`). */
  expireNextWatches(n: number): void {
    this.expireNext += n;
  }

  /**
   * Sends every open watch an in-stream `ERROR` event with a 410 `Status` (at the next event
   * boundary), then ends it; returns how many watches get it.
   */
  injectExpired(): number {
    const event = { type: "ERROR", object: statusBody(410, "Expired", EXPIRED_MESSAGE) };
    const line = `${JSON.stringify(event)}\n`;
    const n = this.watches.size;
    for (const watch of this.watches) {
      watch.pending = line;
      if (watch.atBoundary) this.flushPending(watch);
    }
    return n;
  }

  /** Sets (or with `undefined` clears) the fault every non-watch request meets. */
  failRequests(fault: RequestFault | undefined): void {
    this.fault = fault;
  }

  /** Closes every connection and the listener. */
  async close(): Promise<void> {
    this.dropWatches();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.agent.destroy();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const watch = isWatch(req.url);
    if (watch) this.watchRequests += 1;
    else this.otherRequests += 1;
    if (watch && this.expireNext > 0) {
      this.expireNext -= 1;
      this.watchesExpired += 1;
      return respond(res, 410, statusBody(410, "Expired", EXPIRED_MESSAGE));
    }
    if (!watch && this.fault?.kind === "drop") {
      req.socket.destroy();
      return;
    }
    if (!watch && this.fault?.kind === "status") {
      const { status, message } = this.fault;
      return respond(res, status, statusBody(status, "InternalError", message));
    }
    this.forward(req, res, watch);
  }

  private forward(req: IncomingMessage, res: ServerResponse, watch: boolean): void {
    const upstream = https.request({
      protocol: this.target.protocol,
      hostname: this.target.hostname,
      port: this.target.port,
      method: req.method,
      path: req.url,
      headers: { ...forwardable(req.headers), host: this.target.host },
      agent: this.agent,
    });
    upstream.on("response", (answer) => {
      res.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
      res.flushHeaders();
      const open: OpenWatch | undefined =
        watch && answer.statusCode === 200
          ? { response: res, upstream, atBoundary: true }
          : undefined;
      if (open) this.watches.add(open);
      answer.on("data", (chunk: Buffer) => {
        if (open && !this.watches.has(open)) return;
        res.write(chunk);
        if (!open) return;
        open.atBoundary = chunk.at(-1) === 0x0a;
        if (open.atBoundary) this.flushPending(open);
      });
      answer.on("end", () => {
        if (open) this.watches.delete(open);
        res.end();
      });
      answer.on("error", () => res.destroy());
    });
    upstream.on("error", () => {
      if (!res.headersSent) respond(res, 502, statusBody(502, "InternalError", "proxy: upstream"));
      else res.destroy();
    });
    res.on("close", () => {
      for (const open of this.watches) if (open.response === res) this.watches.delete(open);
      upstream.destroy();
    });
    req.pipe(upstream);
  }

  /** Writes the pending in-stream event and ends the watch, as the apiserver does. */
  private flushPending(watch: OpenWatch): void {
    if (!watch.pending) return;
    this.watches.delete(watch);
    watch.response.end(watch.pending);
    watch.upstream.destroy();
  }
}

function respond(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
