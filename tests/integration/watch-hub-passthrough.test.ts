/**
 * The shared watch hub in token-passthrough mode against the real apiserver (which trusts the
 * https OpenID issuer, platform/scripts/certs.sh): the hub's upstream watches with a token of the
 * read-only ServiceAccount `pilothouse-dashboard-watch` (PILOTHOUSE_WATCH_KUBECONFIG), which may
 * NOT impersonate, as it is; every per-user access review goes with the user's own ID token
 * (signed in through the issuer's login form), and user clients carry nothing of the dashboard's.
 *
 * Needs the local platform (KUBECONFIG, PILOTHOUSE_WATCH_KUBECONFIG, OIDC_CLIENT_*, NEXTAUTH_URL
 * from its env.sh); starts the https issuer unless the platform runs it.
 */
import { CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import { type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KINDS } from "@/lib/api/kinds";
import { signInWithCodeFlow } from "../../platform/oidc/code-flow-client";
import { identityFromClaims, type UserIdentity } from "@/server/auth/identity";
import { KubeClientFactory } from "@/server/kube/client";
import { KubeApiError, toKubeError } from "@/server/kube/errors";
import { ownCredentialsClients, PassthroughKubeClientFactory } from "@/server/kube/passthrough";
import { WATCH_HUB_IDENTITY, WatchHub } from "@/server/kube/watch-hub";
import { cachedAccessChecker } from "@/server/kube/watch-hub-access";
import { type HttpsIssuer, startHttpsIssuer } from "./auth-passthrough-issuer";
import { eventually, FrameSink, mysqlClusterBody } from "./watch-hub-support";

const watchPath = process.env.PILOTHOUSE_WATCH_KUBECONFIG ?? "";
const mysqlclusters = KINDS[0];
const suffix = randomBytes(3).toString("hex");
const created = `hub-pt-${suffix}`;

let issuer: HttpsIssuer;
let previousDispatcher: Dispatcher;
let passthrough: PassthroughKubeClientFactory;
let hub: WatchHub;
const tokens = new Map<string, string>();
const users: Record<"alice" | "bob", UserIdentity> = {} as never;

const claimsOf = (jwt: string): unknown =>
  JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8"));

async function signIn(who: "alice" | "bob"): Promise<void> {
  const set = await signInWithCodeFlow(
    {
      issuer: issuer.url,
      clientId: process.env.OIDC_CLIENT_ID ?? "",
      clientSecret: process.env.OIDC_CLIENT_SECRET ?? "",
      redirectUri: `${process.env.NEXTAUTH_URL ?? ""}/api/auth/callback/oidc`,
    },
    { email: `${who}@pilothouse.dev`, password: `${who}-demo` },
  );
  const identity = set.id_token ? identityFromClaims(claimsOf(set.id_token)) : undefined;
  if (!set.id_token || !identity) throw new Error("the issuer returned no usable ID token");
  users[who] = identity;
  tokens.set(identity.username, set.id_token);
}

/** The user's clients: `Authorization: Bearer <their ID token>` and nothing of the dashboard's. */
const asUser = (user: UserIdentity) =>
  Promise.resolve(passthrough.forUser(user, () => tokens.get(user.username) ?? ""));

beforeAll(async () => {
  if (!process.env.KUBECONFIG || !watchPath) throw new Error("source the platform's env.sh");
  issuer = await startHttpsIssuer();
  previousDispatcher = getGlobalDispatcher();
  setGlobalDispatcher(issuer.dispatcher);
  await signIn("alice");
  await signIn("bob");
  passthrough = await PassthroughKubeClientFactory.fromFile(watchPath);
  // The apiserver's JWT authenticator may still be discovering the issuer (retries every ~10 s).
  await eventually(async () => {
    const kube = await asUser(users.alice);
    await kube.authentication.createSelfSubjectReview({
      body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    });
  }, 90_000);
  const own = ownCredentialsClients(watchPath, WATCH_HUB_IDENTITY);
  hub = new WatchHub({
    clientsFor: asUser,
    upstreamClients: () => Promise.resolve(own),
    checkAccess: cachedAccessChecker(asUser),
    lingerMs: 200,
  });
}, 180_000);

afterAll(async () => {
  hub?.close();
  const admin = new KubeConfig();
  admin.loadFromFile(process.env.KUBECONFIG ?? "");
  await admin
    .makeApiClient(CustomObjectsApi)
    .deleteNamespacedCustomObject({
      group: mysqlclusters.group,
      version: mysqlclusters.version,
      plural: mysqlclusters.plural,
      namespace: "demo",
      name: created,
    })
    .catch(() => undefined);
  if (previousDispatcher) setGlobalDispatcher(previousDispatcher);
  await issuer?.stop();
});

describe("the watch hub with token passthrough", () => {
  it("the dashboard's own identity is the read-only watch ServiceAccount, which may not impersonate", async () => {
    const own = ownCredentialsClients(watchPath, WATCH_HUB_IDENTITY);
    const review = await own.authentication.createSelfSubjectReview({
      body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    });
    expect(review.status?.userInfo?.username).toBe(WATCH_HUB_IDENTITY.username);
    const impersonating = (await KubeClientFactory.fromFile(watchPath)).forUser(users.alice);
    const error: unknown = await impersonating.customObjects
      .listNamespacedCustomObject({
        group: mysqlclusters.group,
        version: mysqlclusters.version,
        plural: mysqlclusters.plural,
        namespace: "demo",
      })
      .catch((e: unknown) => toKubeError(e, { namespace: "demo" }));
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).status).toBe(403);
    expect((error as KubeApiError).message).toContain("impersonate");
  });

  it("access is decided with each user's own token: bob may watch demo, not demo-analytics", async () => {
    expect((await hub.authorize(users.alice, mysqlclusters, "demo")).allowed).toBe(true);
    expect((await hub.authorize(users.bob, mysqlclusters, "demo")).allowed).toBe(true);
    expect((await hub.authorize(users.alice, mysqlclusters, "demo-analytics")).allowed).toBe(true);
    const refused = await hub.authorize(users.bob, mysqlclusters, "demo-analytics");
    expect(refused.allowed).toBe(false);
    expect(refused.reason).toContain('User "bob@pilothouse.dev" may not list or watch');
  });

  it("alice and bob share ONE upstream; alice's create (with her own token) reaches both live", async () => {
    const started = hub.upstreamsStarted;
    const sinks = [new FrameSink(), new FrameSink()];
    const leave = new AbortController();
    const ended = [users.alice, users.bob].map((user, i) =>
      hub.subscribe({
        kind: mysqlclusters,
        namespace: "demo",
        user,
        send: sinks[i]?.send ?? (() => undefined),
        signal: leave.signal,
      }),
    );
    try {
      await eventually(() => {
        for (const sink of sinks) expect(sink.of("snapshot")).toHaveLength(1);
      });
      expect(hub.upstreamsStarted - started).toBe(1);
      const kube = await asUser(users.alice);
      await kube.customObjects.createNamespacedCustomObject({
        group: mysqlclusters.group,
        version: mysqlclusters.version,
        plural: mysqlclusters.plural,
        namespace: "demo",
        body: mysqlClusterBody(created),
      });
      await eventually(() => {
        for (const sink of sinks) {
          expect(sink.of("change").some((f) => f.data.includes(`"name":"${created}"`))).toBe(true);
        }
      });
    } finally {
      leave.abort();
      await Promise.all(ended);
    }
  });
});
