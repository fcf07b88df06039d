import { expect, test } from "@playwright/test";
import { alice, bob, DEMO_NAMESPACE } from "./demo-users";
import { deleteMySQLCluster } from "./kube-admin";
import { ClusterListPage } from "./pages/cluster-list-page";
import { CreateClusterPage } from "./pages/create-cluster-page";
import { signIn } from "./pages/sign-in-flow";
import { csrfHeaders, providerTokens } from "./support/session";

const suffix = Date.now().toString(36);
const created: string[] = [];
const clusterBody = (name: string) => ({
  metadata: { name },
  spec: { engine: "mysql", version: "8.4", replicas: 1, storage: { size: "1Gi" } },
});
const createPath = `/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters`;

test.afterAll(async () => {
  for (const name of created) await deleteMySQLCluster(DEMO_NAMESPACE, name);
});

test("every response carries the security headers and the UI runs under the CSP", async ({
  page,
  playwright,
  baseURL,
}) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text());
  });
  const signInPage = await page.goto("/sign-in");
  const headers = signInPage?.headers() ?? {};
  expect(headers["content-security-policy"]).toMatch(
    /script-src 'self' 'nonce-[^']+' 'strict-dynamic'/,
  );
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).not.toMatch(/https?:\/\//);
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  // Served over plain HTTP here: no HSTS (it is only sent over TLS).
  expect(headers["strict-transport-security"]).toBeUndefined();

  const anonymous = await playwright.request.newContext({ baseURL });
  const api = await anonymous.get(`/api/v1/mysqlclusters?namespace=${DEMO_NAMESPACE}`);
  expect(api.status()).toBe(401);
  expect(api.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
  const behindTls = await anonymous.get("/sign-in", { headers: { "X-Forwarded-Proto": "https" } });
  expect(behindTls.headers()["strict-transport-security"]).toMatch(/^max-age=\d+/);
  await anonymous.dispose();

  // Next.js's scripts carry the nonce: the app signs in and renders live under the policy.
  await signIn(page, alice);
  const list = new ClusterListPage(page);
  await list.goto(DEMO_NAMESPACE);
  await list.expectLive();
  expect(violations).toEqual([]);
});

test("cookie sessions must send the CSRF token and come from the dashboard's origin", async ({
  page,
}) => {
  await signIn(page, alice);
  const name = `csrf-${suffix}`;

  const missing = await page.request.post(createPath, { data: clusterBody(name) });
  expect(missing.status()).toBe(403);
  const missingBody = (await missing.json()) as { error: { code: string; message: string } };
  expect(missingBody.error.code).toBe("CsrfFailed");
  expect(missingBody.error.message).toContain("X-CSRF-Token");

  const token = await csrfHeaders(page.request);
  const forged = await page.request.post(createPath, {
    data: clusterBody(name),
    headers: { "X-CSRF-Token": "forged" },
  });
  expect(forged.status()).toBe(403);
  const otherSite = await page.request.post(createPath, {
    data: clusterBody(name),
    headers: { ...token, Origin: "http://evil.example", "Sec-Fetch-Site": "cross-site" },
  });
  expect(otherSite.status()).toBe(403);
  expect(((await otherSite.json()) as { error: { code: string } }).error.code).toBe("CsrfFailed");

  // Reads need no token; a mutating request with it goes through to Kubernetes.
  const read = await page.request.get(`/api/v1/namespaces/${DEMO_NAMESPACE}/permissions`);
  expect(read.status()).toBe(200);
  created.push(name);
  const ok = await page.request.post(createPath, { data: clusterBody(name), headers: token });
  expect(ok.status()).toBe(201);

  // The UI's own form sends the token itself.
  const formName = `csrf-form-${suffix}`;
  created.push(formName);
  const form = new CreateClusterPage(page);
  await form.goto(DEMO_NAMESPACE);
  await form.fill({ name: formName, replicas: "1", storageSize: "1Gi" });
  await form.submit();
  await expect(page).toHaveURL(new RegExp(`/mysqlclusters/${DEMO_NAMESPACE}/${formName}$`));
});

test("automation calls the API with a bearer token from the same provider, without CSRF", async ({
  playwright,
  baseURL,
}) => {
  const aliceTokens = await providerTokens(alice);
  const automation = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { Authorization: `Bearer ${aliceTokens.id_token ?? ""}` },
  });
  const permissions = await automation.get(`/api/v1/namespaces/${DEMO_NAMESPACE}/permissions`);
  expect(permissions.status()).toBe(200);
  expect(
    ((await permissions.json()) as { mysqlclusters: { create: { allowed: boolean } } })
      .mysqlclusters.create.allowed,
  ).toBe(true);
  const name = `bearer-${suffix}`;
  created.push(name);
  const create = await automation.post(createPath, { data: clusterBody(name) });
  expect(create.status()).toBe(201);
  await automation.dispose();

  // Kubernetes decides for the token's user: bob may not create.
  const bobTokens = await providerTokens(bob);
  const viewer = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { Authorization: `Bearer ${bobTokens.id_token ?? ""}` },
  });
  const refused = await viewer.post(createPath, { data: clusterBody(`bob-${suffix}`) });
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("Forbidden");
  await viewer.dispose();

  // A token that is not the provider's: 401 with the RFC 6750 challenge.
  const forged = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { Authorization: "Bearer not.a.token" },
  });
  const bad = await forged.get(`/api/v1/namespaces/${DEMO_NAMESPACE}/permissions`);
  expect(bad.status()).toBe(401);
  expect(bad.headers()["www-authenticate"]).toContain('error="invalid_token"');
  await forged.dispose();
});
