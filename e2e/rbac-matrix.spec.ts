import { expect, test, type Page } from "@playwright/test";
import { DEMO_USERS, type DemoUser } from "../platform/oidc/users";
import { DEMO_NAMESPACE } from "./demo-users";
import { signIn } from "./pages/sign-in-flow";
import { csrfHeaders } from "./support/session";

/**
 * The RBAC matrix of platform/manifests/demo-rbac.yaml, through the dashboard only: three users
 * (admin carol, operator alice, viewer bob) across two namespaces. In `demo` operators edit and
 * viewers read; in `demo-analytics` operators only read and viewers see nothing; carol is
 * cluster-admin. Only carol may list namespaces: alice and bob are bound by RoleBindings alone
 * and must still find their namespaces.
 */
const ANALYTICS = "demo-analytics";
/** A demo user with its groups (the refusals name them). */
function demo(email: string): DemoUser {
  const found = DEMO_USERS.find((u) => u.email === email);
  if (!found) throw new Error(`no demo user ${email} in platform/oidc/users.ts`);
  return found;
}
const [carol, alice, bob] = [
  demo("carol@pilothouse.dev"),
  demo("alice@pilothouse.dev"),
  demo("bob@pilothouse.dev"),
];

interface Expected {
  /** What `GET /api/v1/namespaces` answers (for carol: a superset, from the namespace list). */
  namespaces: { source: "list" | "configured"; items: string[] };
  /** Per namespace: may list, may create, may stop a cluster (patch), may back up. */
  rights: Record<string, { list: boolean; create: boolean; stop: boolean; backup: boolean }>;
}

const none = { list: false, create: false, stop: false, backup: false };
const all = { list: true, create: true, stop: true, backup: true };
const read = { list: true, create: false, stop: false, backup: false };

const MATRIX: [DemoUser, Expected][] = [
  [
    carol,
    {
      namespaces: { source: "list", items: [DEMO_NAMESPACE, ANALYTICS] },
      rights: { [DEMO_NAMESPACE]: all, [ANALYTICS]: all },
    },
  ],
  [
    alice,
    {
      namespaces: { source: "configured", items: [DEMO_NAMESPACE, ANALYTICS] },
      rights: { [DEMO_NAMESPACE]: all, [ANALYTICS]: read },
    },
  ],
  [
    bob,
    {
      namespaces: { source: "configured", items: [DEMO_NAMESPACE] },
      rights: { [DEMO_NAMESPACE]: read, [ANALYTICS]: none },
    },
  ],
];

const dryRunBody = (name: string) => ({
  metadata: { name },
  spec: { engine: "mysql", version: "8.4", replicas: 1, storage: { size: "1Gi" } },
});

interface PermissionsBody {
  mysqlclusters: Record<string, { allowed: boolean; reason: string }>;
  kafkatopics: Record<string, { allowed: boolean; reason: string }>;
  actions: { mysqlclusters: Record<string, { allowed: boolean; reason: string }> };
}

async function checkNamespace(
  page: Page,
  user: DemoUser,
  namespace: string,
  expected: Expected["rights"][string],
) {
  // One permissions answer per namespace covers every kind and action.
  const permissions = await page.request.get(`/api/v1/namespaces/${namespace}/permissions`);
  expect(permissions.status()).toBe(200);
  const body = (await permissions.json()) as PermissionsBody;
  expect(body.mysqlclusters.list?.allowed, `${user.email} list in ${namespace}`).toBe(
    expected.list,
  );
  expect(body.mysqlclusters.create?.allowed, `${user.email} create in ${namespace}`).toBe(
    expected.create,
  );
  expect(body.kafkatopics.create?.allowed, `${user.email} create topics in ${namespace}`).toBe(
    expected.create,
  );
  expect(body.actions.mysqlclusters.stop?.allowed, `${user.email} stop in ${namespace}`).toBe(
    expected.stop,
  );
  expect(body.actions.mysqlclusters.backup?.allowed, `${user.email} backup in ${namespace}`).toBe(
    expected.backup,
  );
  if (!expected.create) {
    expect(body.mysqlclusters.create?.reason).toBe(
      `Kubernetes RBAC does not allow ${user.email} (groups: ${user.groups.join(", ")}) to create MySQL clusters in namespace ${namespace}.`,
    );
    expect(body.actions.mysqlclusters.stop?.reason).toContain("it needs patch on mysqlclusters");
  }

  // What the API does matches what the permissions said: list, and a server dry-run create.
  const list = await page.request.get(`/api/v1/mysqlclusters?namespace=${namespace}`);
  expect(list.status(), `${user.email} GET list in ${namespace}`).toBe(expected.list ? 200 : 403);
  const create = await page.request.post(
    `/api/v1/namespaces/${namespace}/mysqlclusters?dryRun=All`,
    {
      data: dryRunBody(`rbac-${user.email.split("@")[0] ?? "x"}`),
      headers: await csrfHeaders(page.request),
    },
  );
  expect(create.status(), `${user.email} dry-run create in ${namespace}`).toBe(
    expected.create ? 201 : 403,
  );
  if (!expected.create) {
    const error = ((await create.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("Forbidden");
    expect(error.message).toContain(user.email);
  }

  // The UI's create button for two kinds: enabled, or disabled saying why.
  for (const [plural, title, words] of [
    ["mysqlclusters", "MySQL cluster", "MySQL clusters"],
    ["kafkatopics", "Kafka topic", "Kafka topics"],
  ] as const) {
    await page.goto(`/${plural}?namespace=${namespace}`);
    const button = page.getByRole("button", { name: `Create ${title}`, exact: true });
    await expect(button).toBeVisible();
    if (expected.create) {
      await expect(button).toBeEnabled();
      await expect(button).not.toHaveAttribute("aria-disabled", "true");
    } else {
      await expect(button).toHaveAttribute("aria-disabled", "true");
      await expect(page.getByTestId("create-disabled-reason")).toContainText(
        `does not allow ${user.email} (groups: ${user.groups.join(", ")}) to create ${words} in namespace ${namespace}`,
      );
    }
  }
}

for (const [user, expected] of MATRIX) {
  test(`RBAC matrix: ${user.email} in ${DEMO_NAMESPACE} and ${ANALYTICS}`, async ({ page }) => {
    await signIn(page, user);

    const namespaces = await page.request.get("/api/v1/namespaces");
    expect(namespaces.status()).toBe(200);
    const visible = (await namespaces.json()) as { source: string; items: string[] };
    expect(visible.source).toBe(expected.namespaces.source);
    if (expected.namespaces.source === "list") {
      expect(visible.items).toEqual(expect.arrayContaining(expected.namespaces.items));
    } else {
      expect(visible.items).toEqual(expected.namespaces.items);
    }

    for (const [namespace, rights] of Object.entries(expected.rights)) {
      await checkNamespace(page, user, namespace, rights);
    }
  });
}
