import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { alice, DEMO_NAMESPACE } from "./demo-users";
import { deleteMySQLCluster } from "./kube-admin";
import { ClusterDetailPage } from "./pages/cluster-detail-page";
import { ClusterListPage } from "./pages/cluster-list-page";
import { CreateClusterPage } from "./pages/create-cluster-page";
import { OverviewPage } from "./pages/overview-page";
import { ResourceListPage } from "./pages/resource-list-page";
import { signIn } from "./pages/sign-in-flow";
import { csrfHeaders } from "./support/session";

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
    headers: await csrfHeaders(page.request),
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

test("overview, alerts, every list and the detail sections: keyboard reachable, no serious axe violations", async ({
  page,
}) => {
  await signIn(page, alice, `/?namespace=${DEMO_NAMESPACE}`);
  const overview = new OverviewPage(page);
  await expect(overview.liveStatus).toHaveAttribute("data-status", "live");
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeFocused();
  expect(await seriousViolations(page)).toEqual([]);

  // The navigation is reachable with the keyboard: Tab to a link, Enter follows it.
  const alertsLink = page.getByRole("navigation", { name: "Console" }).getByRole("link", {
    name: "Alerts",
  });
  for (let i = 0; i < 30; i++) {
    if (await alertsLink.evaluate((el) => el === document.activeElement)) break;
    await page.keyboard.press("Tab");
  }
  await expect(alertsLink).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Alerts", level: 1 })).toBeFocused();
  await expect(page.getByRole("button", { name: /^critical \(\d+\)$/ })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  for (const [plural, title] of [
    ["mysqlbackups", "MySQL backups"],
    ["mysqlrestores", "MySQL restores"],
    ["kafkaclusters", "Kafka clusters"],
    ["kafkatopics", "Kafka topics"],
    ["kafkausers", "Kafka users"],
  ] as const) {
    const list = new ResourceListPage(page, plural, title);
    await list.goto(DEMO_NAMESPACE);
    await list.expectLive();
    await expect(page).toHaveTitle(`${title} · Pilothouse`);
    // The search box and the sortable headers are labelled controls.
    await expect(list.search).toBeVisible();
    expect(await seriousViolations(page), title).toEqual([]);
  }
});
