/**
 * Bearer tokens, rate limits and namespace visibility against the real OpenID provider and the
 * real apiserver: demo users sign in through the provider's own login form (scripted code flow),
 * their ID tokens go through the dashboard's guard exactly as an automation client's
 * `Authorization: Bearer` would, and what they may do is asked of Kubernetes as them.
 *
 * Needs the local platform's env file (`source "$(./pilothouse env)"`): OIDC_*, NEXTAUTH_URL,
 * PILOTHOUSE_DASHBOARD_KUBECONFIG, PILOTHOUSE_NAMESPACES, and the demo RBAC of
 * platform/manifests/demo-rbac.yaml (namespaces demo and demo-analytics).
 */
import { generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { clientFromEnv, signInWithCodeFlow, type TokenSet } from "@/platform/oidc/code-flow-client";
import { DEMO_USERS } from "@/platform/oidc/users";
import { guardRequest } from "@/server/api/guard";
import { namespacePermissions, visibleNamespaces } from "@/server/api/permissions";
import { MUTATION_LIMIT } from "@/server/auth/rate-limit";
import { kubeForUser } from "@/server/kube/client";

const client = clientFromEnv();
const demo = (email: string) => {
  const user = DEMO_USERS.find((u) => u.email === email);
  if (!user) throw new Error(`no demo user ${email}`);
  return user;
};
const tokens: Record<string, TokenSet> = {};

const apiRequest = (token: string, method = "GET") =>
  new Request(`${process.env.NEXTAUTH_URL}/api/v1/namespaces/demo/mysqlclusters`, {
    method,
    headers: { authorization: `Bearer ${token}` },
  });

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

beforeAll(async () => {
  for (const email of ["alice@pilothouse.dev", "bob@pilothouse.dev", "carol@pilothouse.dev"]) {
    tokens[email] = await signInWithCodeFlow(client, demo(email));
  }
});

const idToken = (email: string) => {
  const token = tokens[email]?.id_token;
  if (!token) throw new Error(`no ID token for ${email}`);
  return token;
};

describe("bearer tokens", () => {
  it("accepts the provider's ID token as the user, with every group, without CSRF", async () => {
    const guard = await guardRequest(apiRequest(idToken("alice@pilothouse.dev"), "POST"), {
      mutating: true,
    });
    expect(guard.ok).toBe(true);
    if (!guard.ok) return;
    expect(guard.via).toBe("bearer");
    expect(guard.user).toMatchObject({
      username: "alice@pilothouse.dev",
      groups: ["pilothouse:operators"],
    });
  });

  it("refuses a token with a tampered payload, signed by another key, or not a JWT", async () => {
    const [header, payload, signature] = idToken("bob@pilothouse.dev").split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString()) as Record<
      string,
      unknown
    >;
    const forged = Buffer.from(
      JSON.stringify({ ...claims, groups: ["pilothouse:admins"] }),
    ).toString("base64url");
    const tampered = await guardRequest(apiRequest(`${header}.${forged}.${signature}`), {
      mutating: false,
    });
    expect(tampered.ok).toBe(false);
    if (tampered.ok) return;
    expect(tampered.response.status).toBe(401);
    expect(tampered.response.headers.get("www-authenticate")).toMatch(
      /^Bearer error="invalid_token"/,
    );
    expect((await errorOf(tampered.response)).message).toContain("not signed by");

    const { privateKey } = await generateKeyPair("RS256");
    const selfSigned = await new SignJWT({ ...claims, groups: ["pilothouse:admins"] })
      .setProtectedHeader({ alg: "RS256", kid: "attacker" })
      .sign(privateKey);
    const foreign = await guardRequest(apiRequest(selfSigned), { mutating: false });
    expect(foreign.ok).toBe(false);
    if (!foreign.ok) expect(foreign.response.status).toBe(401);

    const opaque = await guardRequest(
      apiRequest(tokens["bob@pilothouse.dev"]?.access_token ?? ""),
      {
        mutating: false,
      },
    );
    expect(opaque.ok).toBe(false);
    if (opaque.ok) return;
    expect(opaque.response.status).toBe(401);
    expect((await errorOf(opaque.response)).message).toContain("send an ID token");
  });

  it("refuses another authorization scheme and a request without credentials", async () => {
    const basic = new Request("http://localhost/api/v1/mysqlclusters", {
      headers: { authorization: "Basic YTpi" },
    });
    const refused = await guardRequest(basic, { mutating: false });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.response.status).toBe(401);
  });
});

describe("per-user rate limit of mutating requests", () => {
  it(`allows a burst of ${MUTATION_LIMIT.capacity}, then answers 429 with Retry-After, per user`, async () => {
    const carol = idToken("carol@pilothouse.dev");
    const results = [];
    for (let i = 0; i <= MUTATION_LIMIT.capacity; i++) {
      results.push(await guardRequest(apiRequest(carol, "POST"), { mutating: true }));
    }
    expect(results.filter((r) => r.ok)).toHaveLength(MUTATION_LIMIT.capacity);
    const last = results.at(-1);
    expect(last?.ok).toBe(false);
    if (!last || last.ok) return;
    expect(last.response.status).toBe(429);
    expect(Number(last.response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await errorOf(last.response)).code).toBe("TooManyRequests");
    // Reads are not limited, and another user has a bucket of their own.
    expect((await guardRequest(apiRequest(carol), { mutating: false })).ok).toBe(true);
    const bob = await guardRequest(apiRequest(idToken("bob@pilothouse.dev"), "POST"), {
      mutating: true,
    });
    expect(bob.ok).toBe(true);
  });
});

describe("permissions and namespaces as the bearer's user", () => {
  async function userOf(email: string) {
    const guard = await guardRequest(apiRequest(idToken(email)), { mutating: false });
    if (!guard.ok) throw new Error(`guard refused ${email}`);
    return kubeForUser(guard.user);
  }

  it("answers every kind and action from one rules review per namespace", async () => {
    const alice = await namespacePermissions(await userOf("alice@pilothouse.dev"), "demo");
    expect(alice.mysqlclusters.create.allowed).toBe(true);
    expect(alice.kafkatopics.delete.allowed).toBe(true);
    expect(alice.actions.mysqlclusters.stop?.allowed).toBe(true);
    expect(alice.actions.mysqlclusters.backup?.allowed).toBe(true);

    const bob = await namespacePermissions(await userOf("bob@pilothouse.dev"), "demo");
    expect(bob.mysqlclusters.list.allowed).toBe(true);
    expect(bob.mysqlbackups.create).toEqual({
      allowed: false,
      reason:
        "Kubernetes RBAC does not allow bob@pilothouse.dev (groups: pilothouse:viewers) to create MySQL backups in namespace demo.",
    });
    expect(bob.actions.mysqlclusters.switchover?.reason).toContain(
      "it needs patch on mysqlclusters",
    );

    const aliceAnalytics = await namespacePermissions(
      await userOf("alice@pilothouse.dev"),
      "demo-analytics",
    );
    expect(aliceAnalytics.mysqlclusters.list.allowed).toBe(true);
    expect(aliceAnalytics.mysqlclusters.create.allowed).toBe(false);
  });

  it("shows RoleBinding-only users their namespaces without list rights, admins the list", async () => {
    expect(await visibleNamespaces(await userOf("alice@pilothouse.dev"))).toEqual({
      items: ["demo", "demo-analytics"],
      source: "configured",
    });
    expect(await visibleNamespaces(await userOf("bob@pilothouse.dev"))).toEqual({
      items: ["demo"],
      source: "configured",
    });
    const carol = await visibleNamespaces(await userOf("carol@pilothouse.dev"));
    expect(carol.source).toBe("list");
    expect(carol.items).toEqual(expect.arrayContaining(["demo", "demo-analytics", "kube-system"]));
  });
});
