import type { V1Secret } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { createClusterCa, type PemKeyPair } from "./certificates";
import {
  bootstrapServiceEndpoint,
  ClusterCaCache,
  endpointResolverWithOverrides,
  kafkaEndpointResolver,
  type EndpointReads,
} from "./endpoint";

const NOW = new Date("2026-11-30T00:00:00Z");
const events = { namespace: "team", name: "events" };
const BROKERS = ["events-kafka-bootstrap.team.svc:9092"];
let ca: PemKeyPair;
let newCa: PemKeyPair;

const secret = (data: Record<string, string>, resourceVersion = "1"): V1Secret => ({
  metadata: { resourceVersion },
  data: Object.fromEntries(
    Object.entries(data).map(([key, value]) => [key, Buffer.from(value).toString("base64")]),
  ),
});

/** Fake apiserver reads: one cluster with `internal` as its internal listener, and `secrets`. */
function reads(internal: Record<string, unknown> | undefined, secrets: Map<string, V1Secret>) {
  const counts = { secrets: 0 };
  const fake: EndpointReads = {
    readSecret: (_namespace, name) => {
      counts.secrets++;
      return Promise.resolve(secrets.get(name));
    },
    readCluster: (_namespace, name) =>
      Promise.resolve(
        name === "events" ? { spec: internal ? { listeners: { internal } } : {} } : undefined,
      ),
  };
  return { fake, counts };
}

const admin = secret({ username: "pilothouse-admin", password: "s3cret" });

beforeAll(async () => {
  ca = await createClusterCa("events.team Kafka cluster CA", NOW);
  newCa = await createClusterCa("events.team Kafka cluster CA", NOW);
});

describe("bootstrapServiceEndpoint: the operator's connection to the internal listener", () => {
  it("uses SCRAM as the admin without TLS for the default listener", async () => {
    const { fake } = reads(undefined, new Map([["events-kafka-admin", admin]]));
    await expect(bootstrapServiceEndpoint(fake)(events)).resolves.toEqual({
      brokers: BROKERS,
      sasl: { username: "pilothouse-admin", password: "s3cret" },
    });
  });

  it("trusts the cluster CA and logs in with SCRAM on a SASL_SSL listener", async () => {
    const secrets = new Map([
      ["events-kafka-admin", admin],
      ["events-kafka-ca", secret({ "ca.crt": ca.certificate, "ca.key": ca.privateKey })],
    ]);
    const { fake } = reads({ tls: true }, secrets);
    await expect(bootstrapServiceEndpoint(fake)(events)).resolves.toEqual({
      brokers: BROKERS,
      sasl: { username: "pilothouse-admin", password: "s3cret" },
      tls: { ca: ca.certificate },
    });
  });

  it("connects anonymously over TLS on an SSL listener without authentication", async () => {
    const secrets = new Map([["events-kafka-ca", secret({ "ca.crt": ca.certificate })]]);
    const { fake } = reads({ tls: true, authentication: "none" }, secrets);
    await expect(bootstrapServiceEndpoint(fake)(events)).resolves.toEqual({
      brokers: BROKERS,
      tls: { ca: ca.certificate },
    });
  });

  it("keeps the old behaviour given only a Secret reader", async () => {
    const secrets = new Map([["events-kafka-admin", admin]]);
    const endpoint = await bootstrapServiceEndpoint((_ns, name) =>
      Promise.resolve(secrets.get(name)),
    )(events);
    expect(endpoint.tls).toBeUndefined();
    expect(endpoint.sasl?.password).toBe("s3cret");
  });

  it("refuses until the CA and the admin Secret exist, and for a missing cluster", async () => {
    const noCa = reads({ tls: true }, new Map([["events-kafka-admin", admin]]));
    await expect(bootstrapServiceEndpoint(noCa.fake)(events)).rejects.toThrow(
      "Secret team/events-kafka-ca with the cluster CA not found",
    );
    const noAdmin = reads({ tls: false }, new Map());
    await expect(bootstrapServiceEndpoint(noAdmin.fake)(events)).rejects.toThrow(
      "Secret team/events-kafka-admin with the admin password not found",
    );
    await expect(
      bootstrapServiceEndpoint(noAdmin.fake)({ namespace: "team", name: "orders" }),
    ).rejects.toThrow("KafkaCluster team/orders not found");
  });

  it("refuses a ca.crt that is not a CA certificate", async () => {
    const secrets = new Map([
      ["events-kafka-admin", admin],
      ["events-kafka-ca", secret({ "ca.crt": "not a certificate" })],
    ]);
    await expect(
      bootstrapServiceEndpoint(reads({ tls: true }, secrets).fake)(events),
    ).rejects.toThrow(/ca\.crt is not a PEM certificate/);
  });
});

describe("ClusterCaCache", () => {
  it("keeps the CA while the Secret is unchanged and reads a replaced one", async () => {
    const secrets = new Map([["events-kafka-ca", secret({ "ca.crt": ca.certificate }, "7")]]);
    const cache = new ClusterCaCache((_ns, name) => Promise.resolve(secrets.get(name)));
    await expect(cache.caCertificate("team", "events")).resolves.toBe(ca.certificate);
    await expect(cache.caCertificate("team", "events")).resolves.toBe(ca.certificate);
    secrets.set("events-kafka-ca", secret({ "ca.crt": newCa.certificate }, "8"));
    await expect(cache.caCertificate("team", "events")).resolves.toBe(newCa.certificate);
    secrets.delete("events-kafka-ca");
    await expect(cache.caCertificate("team", "events")).resolves.toBeUndefined();
  });
});

describe("endpoint overrides (a cluster bound to a broker outside Kubernetes)", () => {
  const local = { brokers: ["127.0.0.1:9192"], sasl: { username: "admin", password: "pw" } };

  it("trusts the cluster CA for the bootstrap Service's name when the override has TLS", async () => {
    const secrets = new Map([["events-kafka-ca", secret({ "ca.crt": ca.certificate })]]);
    const resolve = kafkaEndpointResolver(
      reads({ tls: true }, secrets).fake,
      new Map([["team/events", { ...local, tls: true }]]),
    );
    await expect(resolve(events)).resolves.toEqual({
      ...local,
      tls: { ca: ca.certificate, servername: "events-kafka-bootstrap.team.svc" },
    });
  });

  it("passes a plaintext override through, and others to the fallback", async () => {
    const resolve = endpointResolverWithOverrides(
      new Map([["team/events", local]]),
      () => Promise.resolve({ brokers: ["fallback:9092"] }),
      new ClusterCaCache(() => Promise.resolve(undefined)),
    );
    await expect(resolve(events)).resolves.toEqual(local);
    await expect(resolve({ namespace: "team", name: "orders" })).resolves.toEqual({
      brokers: ["fallback:9092"],
    });
  });

  it("uses the system trust store when the cluster has no CA", async () => {
    const resolve = kafkaEndpointResolver(
      reads(undefined, new Map()).fake,
      new Map([["team/events", { ...local, tls: true }]]),
    );
    await expect(resolve(events)).resolves.toEqual({ ...local, tls: true });
  });
});
