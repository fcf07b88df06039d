import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { alice, DEMO_NAMESPACE } from "./demo-users";
import { deleteMySQLCluster } from "./kube-admin";
import { ClusterDetailPage } from "./pages/cluster-detail-page";
import { ClusterListPage } from "./pages/cluster-list-page";
import { CreateClusterPage } from "./pages/create-cluster-page";
import { signIn } from "./pages/sign-in-flow";

const name = `e2e-a11y-${Date.now().toString(36)}`;

test.afterAll(async () => {
  await deleteMySQLCluster(DEMO_NAMESPACE, name);
});

/** Runs axe (WCAG 2.x A and AA) on the page; returns the serious and critical violations. */
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")) }));
}

test("list, create and detail pages: titles, focus on the heading, no serious axe violations", async ({
  page,
}) => {
  await signIn(page, alice);
  const created = await page.request.post(`/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters`, {
    data: { metadata: { name }, spec: { replicas: 1, storage: { size: "1Gi" } } },
  });
  expect(created.status()).toBe(201);

  const list = new ClusterListPage(page);
  await list.goto(DEMO_NAMESPACE);
  await list.expectLive();
  await expect(page).toHaveTitle("MySQL clusters · Pilothouse");
  expect(await seriousViolations(page)).toEqual([]);

  // Client-side navigation moves the focus to the new page's main heading.
  await list.createButton.click();
  const form = new CreateClusterPage(page);
  await expect(page.getByRole("heading", { name: "Create MySQL cluster", level: 1 })).toBeFocused();
  await expect(page).toHaveTitle("Create MySQL cluster · Pilothouse");
  // Required fields say so, and messages are tied to their inputs.
  await expect(form.field("Name")).toHaveAttribute("aria-required", "true");
  await expect(form.field("Name")).toHaveAttribute("required", "");
  await form.fill({ name: "Bad_Name" });
  await form.submit();
  await expect(form.field("Name")).toHaveAccessibleDescription(/must start with a lower case/);
  expect(await seriousViolations(page)).toEqual([]);

  const detail = new ClusterDetailPage(page);
  await detail.goto(DEMO_NAMESPACE, name);
  await expect(detail.heading(name)).toBeFocused();
  await detail.expectLive();
  expect(await seriousViolations(page)).toEqual([]);
});
