import { expect, test, type Page, type Request } from "@playwright/test";
import { alice, DEMO_NAMESPACE } from "./demo-users";
import { deleteMySQLCluster } from "./kube-admin";
import { ResourceFormPage } from "./pages/resource-form-page";
import { signIn } from "./pages/sign-in-flow";
import { csrfHeaders } from "./support/session";

const suffix = Date.now().toString(36);
const clusterName = `forms-${suffix}`;
const topicName = `forms-topic-${suffix}`;
const kafkaName = `forms-kafka-${suffix}`;

test.afterAll(async ({ browser }) => {
  await deleteMySQLCluster(DEMO_NAMESPACE, clusterName);
  // The topic through the API as alice (kube-admin only knows MySQLClusters).
  const page = await browser.newPage();
  await signIn(page, alice, `/kafkatopics/new?namespace=${DEMO_NAMESPACE}`);
  for (const path of [`kafkatopics/${topicName}`, `kafkaclusters/${kafkaName}`]) {
    await page.request.delete(`/api/v1/namespaces/${DEMO_NAMESPACE}/${path}`, {
      headers: await csrfHeaders(page.request),
    });
  }
  await page.close();
});

/** The stored object, read through the dashboard's API as the signed-in user. */
async function stored(page: Page, plural: string, name: string) {
  const response = await page.request.get(`/api/v1/namespaces/${DEMO_NAMESPACE}/${plural}/${name}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as {
    metadata: { resourceVersion: string; labels?: Record<string, string> };
    spec: Record<string, unknown>;
  };
}

/** Create and update calls of `plural`, split into dry runs and real writes. */
function recordWrites(page: Page, plural: string) {
  const writes = { dryRuns: [] as Request[], real: [] as Request[] };
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (!["POST", "PUT"].includes(request.method()) || !url.pathname.includes(`/${plural}`)) {
      return;
    }
    if (url.pathname.includes("/actions/")) return;
    (url.searchParams.get("dryRun") === "All" ? writes.dryRuns : writes.real).push(request);
  });
  return writes;
}

test("a Kafka topic is created with the generated form, then edited with its resourceVersion; a shrink is refused by the server's dry run on its field", async ({
  page,
}) => {
  await signIn(page, alice, `/kafkatopics/new?namespace=${DEMO_NAMESPACE}`);
  // The topic's cluster, through the API as alice: a topic of a cluster that does not exist is
  // refused (below).
  const cluster = await page.request.post(`/api/v1/namespaces/${DEMO_NAMESPACE}/kafkaclusters`, {
    headers: await csrfHeaders(page.request),
    data: {
      metadata: { name: kafkaName },
      spec: { kraft: { mode: "combined", combined: { replicas: 1, storage: { size: "1Gi" } } } },
    },
  });
  expect(cluster.status(), await cluster.text()).toBe(201);
  const form = new ResourceFormPage(page);
  const writes = recordWrites(page, "kafkatopics");

  // Defaults from the CRD schema, required marks, descriptions as helper text.
  await expect(form.field("Partitions", "spinbutton")).toHaveValue("1");
  await expect(form.field("Replication factor", "spinbutton")).toHaveValue("1");
  await expect(form.field("Cluster name")).toHaveAttribute("aria-required", "true");
  await expect(page.getByText("Number of partitions; can grow, never shrink.")).toBeVisible();

  await form.field("Name").fill(topicName);
  // A cluster that does not exist, then a replication factor above its one broker: each is
  // refused by the server's dry run on its field, and nothing is written.
  await form.field("Cluster name").fill(`ghost-${suffix}`);
  // The field says so at once, from the namespace's clusters (read again: the list the form
  // opened with predates the cluster created above).
  await expect(form.field("Cluster name")).toHaveAccessibleDescription(
    new RegExp(
      `^KafkaCluster ghost-${suffix} does not exist in namespace ${DEMO_NAMESPACE}; it has `,
    ),
  );
  await form.submitButton.click();
  await expect(form.fieldError(form.field("Cluster name"))).toContainText("does not exist");
  await form.field("Cluster name").fill(kafkaName);
  await expect(form.field("Cluster name")).toHaveAccessibleDescription(
    `KafkaCluster ${kafkaName}, in namespace ${DEMO_NAMESPACE}.`,
  );
  await form.field("Replication factor", "spinbutton").fill("3");
  await form.submitButton.click();
  await expect(form.fieldError(form.field("Replication factor", "spinbutton"))).toContainText(
    "must be at most 1",
  );
  expect(writes.real).toHaveLength(0);
  writes.dryRuns.length = 0;
  await form.field("Replication factor", "spinbutton").fill("1");
  await form.field("Partitions", "spinbutton").fill("3");
  // A map field: a key and value row.
  await page.getByRole("button", { name: "Add to configs" }).click();
  await form.field("Configs key 1").fill("retention.ms");
  await form.field("Configs value 1").fill("604800000");
  await form.submitButton.click();

  await expect(page).toHaveURL(new RegExp(`/kafkatopics/${DEMO_NAMESPACE}/${topicName}$`));
  expect(writes.dryRuns).toHaveLength(1);
  expect(writes.real).toHaveLength(1);
  const created = await stored(page, "kafkatopics", topicName);
  expect(created.spec).toMatchObject({
    clusterName: kafkaName,
    partitions: 3,
    replicationFactor: 1,
    configs: { "retention.ms": "604800000" },
  });

  // Edit: the form starts from the stored object.
  await form.editFromDetail("kafkatopics", DEMO_NAMESPACE, topicName);
  await expect(form.field("Partitions", "spinbutton")).toHaveValue("3");
  await expect(form.field("Name")).toHaveAttribute("readonly", "");
  await expect(form.field("Configs value 1")).toHaveValue("604800000");

  // Kafka cannot remove partitions: the CRD's CEL transition rule refuses it in the dry run,
  // on the field, and nothing is written.
  await form.field("Partitions", "spinbutton").fill("1");
  await form.submitButton.click();
  await expect(form.fieldError(form.field("Partitions", "spinbutton"))).toContainText(
    "partitions can only grow",
  );
  expect(writes.real).toHaveLength(1);
  expect((await stored(page, "kafkatopics", topicName)).spec.partitions).toBe(3);

  // Growing is allowed: a PUT with the resourceVersion the form was opened on.
  await form.field("Partitions", "spinbutton").fill("5");
  await form.submitButton.click();
  await expect(page).toHaveURL(new RegExp(`/kafkatopics/${DEMO_NAMESPACE}/${topicName}$`));
  const put = writes.real.at(-1);
  expect(put?.method()).toBe("PUT");
  expect(put?.postDataJSON()).toMatchObject({
    metadata: { name: topicName, resourceVersion: created.metadata.resourceVersion },
    spec: { partitions: 5 },
  });
  expect((await stored(page, "kafkatopics", topicName)).spec.partitions).toBe(5);

  // A stale form: someone changes the topic after the form was opened; the save is refused
  // (409 on the old resourceVersion) with a way forward, and their change is not overwritten.
  await form.gotoEdit("kafkatopics", DEMO_NAMESPACE, topicName);
  await expect(form.field("Partitions", "spinbutton")).toHaveValue("5");
  const current = await stored(page, "kafkatopics", topicName);
  const concurrent = await page.request.put(
    `/api/v1/namespaces/${DEMO_NAMESPACE}/kafkatopics/${topicName}`,
    {
      headers: await csrfHeaders(page.request),
      data: {
        metadata: {
          name: topicName,
          resourceVersion: current.metadata.resourceVersion,
          labels: { changed: "elsewhere" },
        },
        spec: current.spec,
      },
    },
  );
  expect(concurrent.status()).toBe(200);
  await form.field("Partitions", "spinbutton").fill("6");
  await form.submitButton.click();
  await expect(form.error).toContainText("someone changed this Kafka topic");
  const after = await stored(page, "kafkatopics", topicName);
  expect(after.spec.partitions).toBe(5);
  expect(after.metadata.labels).toMatchObject({ changed: "elsewhere" });
});

test("a MySQL cluster's YAML edited in Monaco round-trips to the form; its storage size and engine are read-only in Edit", async ({
  page,
}) => {
  const monacoFromCdn: string[] = [];
  page.on("request", (request) => {
    if (/cdn\.jsdelivr|unpkg\.com|cdnjs/.test(request.url())) monacoFromCdn.push(request.url());
  });
  // Monaco's worker is bundled and served by the app: the CSP must not refuse it.
  const refusals: string[] = [];
  page.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy|Could not create web worker/i.test(text)) refusals.push(text);
  });
  await signIn(page, alice, `/mysqlclusters/new?namespace=${DEMO_NAMESPACE}`);
  const form = new ResourceFormPage(page);
  await form.field("Name").fill(clusterName);

  // Form → YAML: the document as the form holds it, defaults included.
  await form.show("YAML");
  await expect(form.yamlLines).toContainText(`name: ${clusterName}`);
  await expect(form.yamlLines).toContainText("replicas: 3");

  // A broken document keeps the user in the YAML view and says where.
  await form.replaceYaml("spec: [\n");
  await expect(form.yamlProblem).toContainText("line");
  await expect(page.getByRole("button", { name: "Form", exact: true })).toBeDisabled();

  // YAML → form: every edited field shows in the form.
  await form.replaceYaml(
    [
      "apiVersion: mysql.pilothouse.dev/v1alpha1",
      "kind: MySQLCluster",
      "metadata:",
      `  name: ${clusterName}`,
      `  namespace: ${DEMO_NAMESPACE}`,
      "  labels:",
      "    team: payments",
      "spec:",
      "  engine: mysql",
      "  replicas: 1",
      "  deletionPolicy: Delete",
      "  storage:",
      "    size: 1Gi",
      "",
    ].join("\n"),
  );
  await expect(form.yamlProblem).toHaveCount(0);
  // Monaco's editor worker runs, from the app's own bundle (same origin, under the CSP).
  await expect
    .poll(() => page.workers().map((worker) => new URL(worker.url()).origin))
    .toContain(new URL(page.url()).origin);
  await form.show("Form");
  await expect(form.field("Replicas", "spinbutton")).toHaveValue("1");
  await expect(form.field("Size", "textbox", "Storage")).toHaveValue("1Gi");
  await expect(form.field("Deletion policy", "combobox")).toHaveValue("Delete");
  await expect(form.field("Labels key 1")).toHaveValue("team");
  await expect(form.field("Labels value 1")).toHaveValue("payments");

  await form.submitButton.click();
  await expect(page).toHaveURL(new RegExp(`/mysqlclusters/${DEMO_NAMESPACE}/${clusterName}$`));
  const created = await stored(page, "mysqlclusters", clusterName);
  expect(created.spec).toMatchObject({ replicas: 1, deletionPolicy: "Delete" });
  expect(created.metadata.labels).toMatchObject({ team: "payments" });

  // The volume size cannot change yet (the CRD's `self == oldSelf` rule): in Edit the field is
  // read-only and says why, and so is the engine.
  await form.gotoEdit("mysqlclusters", DEMO_NAMESPACE, clusterName);
  const size = form.field("Size", "textbox", "Storage");
  await expect(size).toHaveValue("1Gi");
  await expect(size).toHaveAttribute("readonly", "");
  await expect(page.getByText(/^Read-only: cannot change yet/)).toBeVisible();
  await expect(form.field("Engine", "combobox")).toBeDisabled();
  await expect(form.field("Replicas", "spinbutton")).toBeEditable();
  expect(monacoFromCdn).toEqual([]);
  expect(refusals).toEqual([]);
});

test("a refused create is summarised at the top with links to its fields; a Kafka cluster starts valid with its defaults", async ({
  page,
}) => {
  await signIn(page, alice, `/mysqlclusters/new?namespace=${DEMO_NAMESPACE}`);
  const form = new ResourceFormPage(page);
  // What the apiserver would default is shown, not left blank.
  await expect(form.field("Enabled", "checkbox", "Failover")).toBeChecked();
  await expect(form.field("Unreachable seconds", "spinbutton", "Failover")).toHaveValue("30");
  await form.field("Replicas", "spinbutton").fill("");
  await expect(form.field("Replicas", "spinbutton")).toHaveAttribute("placeholder", "3 (default)");

  // Submit with no name: the summary takes focus, names the field in words, and links to it.
  await form.submitButton.click();
  await expect(form.errorSummary).toBeFocused();
  await expect(form.error).toContainText("metadata.name");
  await expect(form.error).not.toContainText("Invalid input");
  await form.error.getByRole("button", { name: "metadata.name" }).click();
  await expect(form.field("Name")).toBeFocused();

  // A KafkaCluster's default mode (combined) comes with its pool, open and filled in.
  await form.gotoCreate("kafkaclusters", DEMO_NAMESPACE);
  await expect(form.field("Replicas", "spinbutton", "Combined")).toHaveValue("3");
  await form.field("Mode", "combobox", "KRaft").selectOption("separate");
  await expect(form.field("Replicas", "spinbutton", "Brokers")).toHaveValue("3");
  await expect(form.field("Replicas", "spinbutton", "Controllers")).toHaveValue("3");
  await form.field("Mode", "combobox", "KRaft").selectOption("combined");
  await expect(form.field("Replicas", "spinbutton", "Combined")).toHaveValue("3");
});
