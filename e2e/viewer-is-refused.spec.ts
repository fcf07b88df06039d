import { expect, test } from "@playwright/test";
import { bob, DEMO_NAMESPACE } from "./demo-users";
import { ClusterListPage } from "./pages/cluster-list-page";
import { CreateClusterPage } from "./pages/create-cluster-page";
import { signIn } from "./pages/sign-in-flow";
import { csrfHeaders } from "./support/session";

test("a viewer sees the create button disabled with the reason, and the API refuses", async ({
  page,
}) => {
  await signIn(page, bob);
  const list = new ClusterListPage(page);
  await list.goto(DEMO_NAMESPACE);
  await list.expectLive();

  await expect(list.createButton).toHaveAttribute("aria-disabled", "true");
  await expect(list.disabledReason).toContainText(
    `Kubernetes RBAC does not allow ${bob.email} (groups: pilothouse:viewers) to create MySQL clusters in namespace ${DEMO_NAMESPACE}`,
  );

  // The same request the form would send, with bob's session cookie: Kubernetes says no.
  const response = await page.request.post(`/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters`, {
    headers: await csrfHeaders(page.request),
    data: {
      metadata: { name: "bob-was-here" },
      spec: { engine: "mysql", version: "8.4", replicas: 1, storage: { size: "1Gi" } },
    },
  });
  expect(response.status()).toBe(403);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("Forbidden");
  expect(body.error.message).toContain(bob.email);

  // The browser holds identity only: no token in the session object, the cookie is HttpOnly.
  const session = (await (await page.request.get("/api/auth/session")).json()) as {
    user: Record<string, unknown>;
  };
  expect(Object.keys(session.user).sort()).toEqual(["email", "groups", "name"]);
  expect(session.user.groups).toEqual(["pilothouse:viewers"]);
  expect(JSON.stringify(session)).not.toMatch(/token/i);
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name.endsWith("next-auth.session-token"))?.httpOnly).toBe(true);
  expect(await page.evaluate(() => document.cookie)).not.toContain("session-token");

  // Signing out ends the session for the API too.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  const after = await page.request.get(`/api/v1/mysqlclusters?namespace=${DEMO_NAMESPACE}`);
  expect(after.status()).toBe(401);
});

test("without a session the API answers 401 and pages send you to sign in", async ({
  page,
  playwright,
  baseURL,
}) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  const response = await anonymous.get(`/api/v1/mysqlclusters?namespace=${DEMO_NAMESPACE}`);
  expect(response.status()).toBe(401);
  await anonymous.dispose();

  await page.goto(`/mysqlclusters?namespace=${DEMO_NAMESPACE}`);
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
});

test("a viewer's create form is disabled with the reason; a refused namespace says so", async ({
  page,
}) => {
  await signIn(page, bob);
  const form = new CreateClusterPage(page);
  await form.goto(DEMO_NAMESPACE);
  await expect(form.refusal).toContainText(`does not allow ${bob.email}`);
  await expect(form.field("Name")).toBeDisabled();
  // Every field, not only some: read-only, each saying why.
  await expect(form.field("Name")).toHaveAttribute("readonly", "");
  await expect(form.field("Version")).toHaveAttribute("readonly", "");
  await expect(form.field("Engine")).toBeDisabled();
  await expect(form.field("Name")).toHaveAccessibleDescription(/Read-only: .*does not allow/);
  await expect(form.createButton).toBeDisabled();

  // A namespace bob may not list: the refusal, not "Connecting…" next to a 403.
  const list = new ClusterListPage(page);
  await list.goto("e2e-no-access");
  await expect(list.liveStatus).toHaveAttribute("data-status", "refused");
  await expect(page.getByText("Kubernetes refused access")).toBeVisible();

  // The namespace filter refuses what cannot be a namespace, and says why.
  await list.showNamespace("Not A Namespace");
  await expect(list.namespaceError).toContainText("Not a namespace name");
  await expect(page).toHaveURL(/namespace=e2e-no-access/);
});
