/**
 * Token passthrough against the real apiserver, which trusts the https OpenID issuer through its
 * structured authentication configuration (platform/scripts/certs.sh): the demo users sign in
 * through the issuer's own login form (scripted code flow), and their ID tokens are sent as
 * `Authorization: Bearer` with no impersonation and no dashboard credentials. RBAC must apply
 * to each user exactly as it does through the dashboard's impersonation.
 *
 * Needs the local platform (KUBECONFIG, PILOTHOUSE_DASHBOARD_KUBECONFIG, OIDC_CLIENT_*,
 * NEXTAUTH_URL from its env.sh); starts the https issuer itself.
 */
import { CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import { type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { signInWithCodeFlow } from "../../platform/oidc/code-flow-client";
import { identityFromClaims, type UserIdentity } from "@/server/auth/identity";
import { KubeClientFactory, type UserKubeClients } from "@/server/kube/client";
import { KubeApiError } from "@/server/kube/errors";
import {
  createMySQLCluster,
  listMySQLClusters,
  watchMySQLClusters,
} from "@/server/kube/mysql-clusters";
import {
  jwtExpiry,
  PassthroughKubeClientFactory,
  PassthroughTokenExpiredError,
} from "@/server/kube/passthrough";
import { type HttpsIssuer, startHttpsIssuer } from "./auth-passthrough-issuer";

const namespace = "demo";
const suffix = randomBytes(3).toString("hex");
const spec = {
  engine: "mysql" as const,
  version: "8.4",
  replicas: 1,
  storage: { size: "1Gi" },
  stopped: false,
  deletionPolicy: "Retain" as const,
  failover: { enabled: true, unreachableSeconds: 30 },
};
const created: string[] = [];
const NamedSchema = z.object({ metadata: z.object({ name: z.string() }) });

let issuer: HttpsIssuer;
let previousDispatcher: Dispatcher;
let passthrough: PassthroughKubeClientFactory;
let impersonation: KubeClientFactory;
const tokens: Record<"alice" | "bob", { idToken: string; identity: UserIdentity }> = {} as never;

/** The claims of a JWT, unverified (the apiserver verifies; this is for the comparison). */
const claimsOf = (jwt: string): unknown =>
  JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8"));

async function signIn(who: "alice" | "bob") {
  const set = await signInWithCodeFlow(
    {
      issuer: issuer.url,
      clientId: process.env.OIDC_CLIENT_ID ?? "",
      clientSecret: process.env.OIDC_CLIENT_SECRET ?? "",
      redirectUri: `${process.env.NEXTAUTH_URL ?? ""}/api/auth/callback/oidc`,
    },
    { email: `${who}@pilothouse.dev`, password: `${who}-demo` },
  );
  if (!set.id_token) throw new Error("the issuer returned no ID token");
  const identity = identityFromClaims(claimsOf(set.id_token));
  if (!identity) throw new Error("the ID token has no usable identity");
  return { idToken: set.id_token, identity };
}

const asUser = (who: "alice" | "bob"): UserKubeClients =>
  passthrough.forUser(tokens[who].identity, () => tokens[who].idToken);

const reviewOf = async (kube: UserKubeClients) =>
  (
    await kube.authentication.createSelfSubjectReview({
      body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    })
  ).status?.userInfo;

async function eventually<T>(fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

beforeAll(async () => {
  const dashboardPath = process.env.PILOTHOUSE_DASHBOARD_KUBECONFIG;
  if (!process.env.KUBECONFIG || !dashboardPath) {
    throw new Error("Start the platform and source its env.sh");
  }
  issuer = await startHttpsIssuer();
  // The scripted login uses the global fetch: let it trust the platform CA for this file.
  previousDispatcher = getGlobalDispatcher();
  setGlobalDispatcher(issuer.dispatcher);
  tokens.alice = await signIn("alice");
  tokens.bob = await signIn("bob");
  passthrough = await PassthroughKubeClientFactory.fromFile(dashboardPath);
  impersonation = await KubeClientFactory.fromFile(dashboardPath);
  // The apiserver started before the issuer existed; its JWT authenticator retries discovery in
  // the background (about every 10 s) and authenticates tokens once that has succeeded.
  await eventually(() => reviewOf(asUser("alice")), 90_000);
}, 180_000);

afterAll(async () => {
  if (created.length) {
    const admin = new KubeConfig();
    admin.loadFromFile(process.env.KUBECONFIG ?? "");
    const api = admin.makeApiClient(CustomObjectsApi);
    for (const name of created) {
      await api
        .deleteNamespacedCustomObject({
          group: "mysql.pilothouse.dev",
          version: "v1alpha1",
          namespace,
          plural: "mysqlclusters",
          name,
        })
        .catch(() => undefined);
    }
  }
  if (previousDispatcher) setGlobalDispatcher(previousDispatcher);
  await issuer?.stop();
});

describe("token passthrough to an apiserver that trusts the issuer", () => {
  it("the apiserver sees the same user and groups as through impersonation", async () => {
    for (const who of ["alice", "bob"] as const) {
      const viaToken = await reviewOf(asUser(who));
      const viaImpersonation = await reviewOf(impersonation.forUser(tokens[who].identity));
      expect(viaToken?.username).toBe(`${who}@pilothouse.dev`);
      expect(viaToken?.username).toBe(viaImpersonation?.username);
      expect(viaToken?.groups).toEqual(viaImpersonation?.groups);
    }
    expect((await reviewOf(asUser("alice")))?.groups).toEqual([
      "pilothouse:operators",
      "system:authenticated",
    ]);
  });

  it("alice (operator in demo) creates a MySQLCluster there", async () => {
    const name = `passthrough-${suffix}`;
    const cluster = await createMySQLCluster(asUser("alice"), namespace, name, spec);
    created.push(name);
    expect(cluster.metadata.name).toBe(name);
    const { items } = await listMySQLClusters(asUser("bob"), { namespace });
    expect(items.map((c) => c.metadata.name)).toContain(name);
  });

  it("bob watches demo with his own token (Watch authenticates through the same config)", async () => {
    const abort = new AbortController();
    const snapshot = new Promise<string[]>((resolve, reject) => {
      void watchMySQLClusters(asUser("bob"), {
        namespace,
        signal: abort.signal,
        handlers: {
          onSnapshot: (items) => resolve(items.map((c) => NamedSchema.parse(c).metadata.name)),
          onChange: () => undefined,
          onBookmark: () => undefined,
          onFatal: reject,
        },
      });
    });
    try {
      await expect(snapshot).resolves.toContain(`passthrough-${suffix}`);
    } finally {
      abort.abort();
    }
  });

  it("bob (viewer) is refused with 403 naming bob, as with impersonation", async () => {
    const name = `passthrough-bob-${suffix}`;
    for (const kube of [asUser("bob"), impersonation.forUser(tokens.bob.identity)]) {
      const error = await createMySQLCluster(kube, namespace, name, spec).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KubeApiError);
      expect((error as KubeApiError).status).toBe(403);
      expect((error as KubeApiError).message).toContain('User "bob@pilothouse.dev"');
    }
  });

  it("a tampered token (bob's claims made alice's, signature kept) gets 401", async () => {
    const [header, payload, signature] = tokens.bob.idToken.split(".");
    const claims = claimsOf(tokens.bob.idToken) as Record<string, unknown>;
    const forged = Buffer.from(
      JSON.stringify({ ...claims, email: "alice@pilothouse.dev", groups: ["pilothouse:admins"] }),
    ).toString("base64url");
    expect(forged).not.toBe(payload);
    const kube = passthrough.forUser(tokens.bob.identity, () =>
      [header, forged, signature].join("."),
    );
    const error = await listMySQLClusters(kube, { namespace }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).status).toBe(401);
  });

  it("an expired token is never sent: 401 before any request", async () => {
    const exp = jwtExpiry(tokens.alice.idToken);
    const late = await PassthroughKubeClientFactory.fromFile(
      process.env.PILOTHOUSE_DASHBOARD_KUBECONFIG ?? "",
      () => exp,
    );
    const error = await listMySQLClusters(
      late.forUser(tokens.alice.identity, () => tokens.alice.idToken),
      {
        namespace,
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).status).toBe(401);
    expect((error as KubeApiError).cause).toBeInstanceOf(PassthroughTokenExpiredError);
  });
});
