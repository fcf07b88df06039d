import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createClusterCa,
  issueServerCertificate,
  type PemKeyPair,
} from "@/server/operator/kafka-cluster/certificates";
import { tlsConnectionOptions } from "./connection";
import { openWireConnection } from "./wire";

const NOW = new Date();
const BOOTSTRAP = "events-kafka-bootstrap.team.svc";
let ca: PemKeyPair;
let otherCa: PemKeyPair;
let server: Server;
let port: number;

beforeAll(async () => {
  ca = await createClusterCa("unit cluster CA", NOW);
  otherCa = await createClusterCa("another CA", NOW);
  const broker = await issueServerCertificate(ca, [BOOTSTRAP], NOW);
  // A TLS server that closes each connection after the handshake: enough to see it succeed.
  server = createServer({ key: broker.privateKey, cert: broker.certificate }, (socket) =>
    socket.end(),
  );
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  port = (server.address() as AddressInfo).port;
});

afterAll(() => {
  server.close();
});

describe("tlsConnectionOptions", () => {
  it("is plaintext without tls", () => {
    expect(tlsConnectionOptions({}, "broker")).toBeUndefined();
    expect(tlsConnectionOptions({ tls: false }, "broker")).toBeUndefined();
  });

  it("trusts the system store for tls: true, checking the host", () => {
    expect(tlsConnectionOptions({ tls: true })).toEqual({});
    expect(tlsConnectionOptions({ tls: true }, "broker-0.svc")).toEqual({
      servername: "broker-0.svc",
    });
  });

  it("trusts only the cluster CA, and lets kafkajs check each broker's own host", () => {
    expect(tlsConnectionOptions({ tls: { ca: "PEM" } })).toEqual({ ca: ["PEM"] });
  });

  it("checks the trust's servername instead of the address connected to", () => {
    const options = tlsConnectionOptions(
      { tls: { ca: "PEM", servername: BOOTSTRAP } },
      "127.0.0.1",
    );
    expect(options).toEqual({ ca: ["PEM"], servername: BOOTSTRAP });
  });

  it("sends no SNI for an IP address but still checks it", () => {
    const options = tlsConnectionOptions({ tls: { ca: "PEM" } }, "127.0.0.1");
    expect(options?.servername).toBeUndefined();
    expect(options?.checkServerIdentity).toBeTypeOf("function");
  });
});

describe("openWireConnection over TLS (SCRAM credential requests use it)", () => {
  const open = (tls: Parameters<typeof tlsConnectionOptions>[0]["tls"]) =>
    openWireConnection(`127.0.0.1:${port}`, {
      tls: tlsConnectionOptions({ tls }, "127.0.0.1"),
      clientId: "unit",
      timeoutMs: 5_000,
    });

  it("completes the handshake trusting the cluster CA for the bootstrap name", async () => {
    const connection = await open({ ca: ca.certificate, servername: BOOTSTRAP });
    connection.close();
  });

  it("refuses a broker certificate from another CA", async () => {
    await expect(open({ ca: otherCa.certificate, servername: BOOTSTRAP })).rejects.toThrow(
      /unable to (get|verify)|self[- ]signed|certificate/i,
    );
  });

  it("refuses a certificate that does not name the host checked", async () => {
    await expect(open({ ca: ca.certificate, servername: "elsewhere.svc" })).rejects.toThrow(
      /altnames|does not match/i,
    );
  });

  it("refuses to trust the system store for the cluster's private CA", async () => {
    await expect(open(true)).rejects.toThrow(/unable to (get|verify)|self[- ]signed/i);
  });
});
