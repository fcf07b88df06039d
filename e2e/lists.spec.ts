import { expect, test } from "@playwright/test";
import { alice, DEMO_NAMESPACE } from "./demo-users";
import { createMany, deleteAllLabelled, IDLE_SHARD, REFS } from "./pages/admin-fixtures";
import { ResourceListPage } from "./pages/resource-list-page";
import { signIn } from "./pages/sign-in-flow";

const run = Date.now().toString(36);
/** Label of every object this file creates, for cleanup. */
const RUN_LABEL = { "e2e.pilothouse.dev/run": `lists-${run}` };
const selector = `e2e.pilothouse.dev/run=lists-${run}`;

/** KafkaTopics of a cluster that does not exist, left alone by the operator (idle shard). */
const topics = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    apiVersion: "kafka.pilothouse.dev/v1alpha1",
    kind: "KafkaTopic",
    metadata: {
      name: `${prefix}-${String(i).padStart(4, "0")}`,
      labels: { ...IDLE_SHARD, ...RUN_LABEL },
    },
    spec: { clusterName: `${prefix}-cluster`, partitions: (i % 12) + 1 },
  }));

/** A figure measured by this test: printed and kept as an annotation of the test's report. */
function report(description: string) {
  console.log(description);
  test.info().annotations.push({ type: "measured", description });
}

test.afterAll(async () => {
  await deleteAllLabelled(REFS.kafkatopics, DEMO_NAMESPACE, selector);
});

test("the navigation reaches every kind's list, each live; search and sort work", async ({
  page,
}) => {
  await signIn(page, alice, `/?namespace=${DEMO_NAMESPACE}`);
  const nav = page.getByRole("navigation", { name: "Console" });
  for (const title of [
    "MySQL clusters",
    "MySQL backups",
    "MySQL restores",
    "Kafka clusters",
    "Kafka topics",
    "Kafka users",
  ]) {
    await nav.getByRole("link", { name: title, exact: true }).click();
    const list = new ResourceListPage(page, "", title);
    await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
    // The namespace is kept across the navigation.
    await expect(page).toHaveURL(new RegExp(`namespace=${DEMO_NAMESPACE}`));
    await expect(nav.getByRole("link", { name: title, exact: true })).toHaveAttribute(
      "aria-current",
      "page",
    );
    await list.expectLive();
  }

  const prefix = `e2e-sort-${run}`;
  await createMany(REFS.kafkatopics, DEMO_NAMESPACE, topics(prefix, 3));
  const list = new ResourceListPage(page, "kafkatopics", "Kafka topics");
  await list.goto(DEMO_NAMESPACE);
  await list.expectLive();
  await list.search.fill(prefix);
  await expect(list.count).toHaveText(/^3( of \d+| objects)$/);
  await expect(list.renderedRows()).toHaveCount(3);
  // Partitions 1, 2, 3: descending puts -0002 first.
  await list.sortBy("Partitions");
  await list.sortBy("Partitions");
  expect(await list.renderedNames()).toEqual([
    `${prefix}-0002`,
    `${prefix}-0001`,
    `${prefix}-0000`,
  ]);
  await list.sortBy("Name");
  expect(await list.renderedNames()).toEqual([
    `${prefix}-0000`,
    `${prefix}-0001`,
    `${prefix}-0002`,
  ]);
  await list.search.fill(`${prefix}-0001`);
  await expect(list.count).toHaveText(/^1( of \d+| object)$/);
});

test("5,000 topics: the DOM keeps a bounded number of rows while scrolling and searching", async ({
  page,
}) => {
  test.setTimeout(600_000);
  const prefix = `bulk-${run}`;
  const started = Date.now();
  await createMany(REFS.kafkatopics, DEMO_NAMESPACE, topics(prefix, 5_000), 24);
  report(`created 5000 KafkaTopics in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  await signIn(page, alice, `/kafkatopics?namespace=${DEMO_NAMESPACE}`);
  const list = new ResourceListPage(page, "kafkatopics", "Kafka topics");
  await list.expectLive();
  const total = Number(await list.table.getAttribute("data-total-rows"));
  expect(total).toBeGreaterThanOrEqual(5_000);

  // Only the rows in view (plus overscan) exist, whatever the list's length.
  const bound = 80;
  expect(await list.renderedRows().count()).toBeLessThanOrEqual(bound);

  // Scroll through the whole list in steps, as a wheel would, and watch long tasks.
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((entries) => {
      for (const e of entries.getEntries()) w.longTasks.push(e.duration);
    }).observe({ type: "longtask", buffered: false });
  });
  const scrollStarted = Date.now();
  for (let step = 1; step <= 20; step++) {
    await list.scrollArea.evaluate((el, s) => {
      el.scrollTop = (el.scrollHeight * s) / 20;
    }, step);
    await page.waitForTimeout(50);
    expect(await list.renderedRows().count()).toBeLessThanOrEqual(bound);
  }
  const scrollMs = Date.now() - scrollStarted;
  const longTasks = await page.evaluate(
    () => (window as unknown as { longTasks: number[] }).longTasks,
  );
  report(
    `scrolled ${total} rows in 20 steps in ${scrollMs} ms; long tasks: ${longTasks.length}, longest ${Math.round(Math.max(0, ...longTasks))} ms; rendered rows ≤ ${bound}`,
  );
  // The last object is reachable by scrolling, and rendered.
  await expect(list.row(`${prefix}-4999`)).toBeVisible();

  // Searching filters the 5,000 to one, quickly.
  const searchStarted = Date.now();
  await list.search.fill(`${prefix}-4321`);
  await expect(list.count).toHaveText(`1 of ${total}`);
  report(`search over ${total} objects answered in ${Date.now() - searchStarted} ms`);
  await expect(list.row(`${prefix}-4321`)).toBeVisible();
  await list.search.fill("");
  await expect(list.count).toHaveText(`${total} objects`);
  expect(await list.renderedRows().count()).toBeLessThanOrEqual(bound);
});
