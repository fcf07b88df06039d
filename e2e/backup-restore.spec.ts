import { expect, test, type Page } from "@playwright/test";
import { alice, bob, DEMO_NAMESPACE } from "./demo-users";
import { deleteObject, IDLE_SHARD, patchStatus, REFS } from "./pages/admin-fixtures";
import {
  BACKUP_CLUSTER_LABEL,
  backupStorage,
  kubeTime,
  readRun,
  runsOfCluster,
} from "./pages/backup-fixtures";
import { BackupRunsSection } from "./pages/backup-runs";
import { ResourceDetailPage } from "./pages/resource-detail-page";
import { ResourceFormPage } from "./pages/resource-form-page";
import { signIn } from "./pages/sign-in-flow";
import { csrfHeaders } from "./support/session";

/*
 * Back up now and Restore through the dashboard. The e2e platform has no S3 server and runs the
 * operator with database checks off on KWOK, so no backup can really complete: these tests prove
 * the UI flow and the objects the API creates. The operator-run cluster shows whatever phase the
 * operator writes; on the cluster in the idle operator shard nothing runs the backups and
 * restores, so the test writes their status with the admin kubeconfig, as an operator would.
 */

const run = Date.now().toString(36);
/** Reconciled by the running operator. */
const live = `e2e-bk-${run}`;
/** In the idle shard: its status and its runs' status are written by the test. */
const idle = `e2e-bkidle-${run}`;
/** In the idle shard, for the MySQLBackup form: one with storages, one without. */
const picks = `e2e-bkform-${run}`;
const nostore = `e2e-bknone-${run}`;
const base = { engine: "mysql", version: "8.4", replicas: 1, storage: { size: "1Gi" } };
const storages = [backupStorage("main"), backupStorage("archive")];

test.afterAll(async () => {
  for (const cluster of [live, idle, picks, nostore]) {
    for (const ref of [REFS.mysqlrestores, REFS.mysqlbackups]) {
      for (const r of await runsOfCluster(ref, DEMO_NAMESPACE, cluster)) {
        await deleteObject(ref, DEMO_NAMESPACE, r.metadata.name);
      }
    }
    await deleteObject(REFS.mysqlclusters, DEMO_NAMESPACE, cluster);
  }
});

/** Creates a MySQLCluster as the signed-in user, through the dashboard's API. */
async function createCluster(
  page: Page,
  name: string,
  labels: Record<string, string> = {},
  /** `null`: a cluster without backup storage. */
  backup: { storages: typeof storages } | null = { storages },
) {
  const created = await page.request.post(`/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters`, {
    data: { metadata: { name, labels }, spec: { ...base, ...(backup ? { backup } : {}) } },
    headers: await csrfHeaders(page.request),
  });
  expect(created.status()).toBe(201);
}

/** The one run of `cluster` that the API created, once it exists. */
async function onlyRun(ref: typeof REFS.mysqlbackups, cluster: string) {
  await expect.poll(async () => (await runsOfCluster(ref, DEMO_NAMESPACE, cluster)).length).toBe(1);
  const [created] = await runsOfCluster(ref, DEMO_NAMESPACE, cluster);
  if (!created) throw new Error(`no run of ${cluster}`);
  return created;
}

test("alice backs up a running cluster to the storage she picks; history shows the operator's phase", async ({
  page,
}) => {
  await signIn(page, alice);
  await createCluster(page, live);
  const detail = new ResourceDetailPage(page, "mysqlclusters");
  const history = new BackupRunsSection(page, "backup-history");
  expect(await detail.goto(DEMO_NAMESPACE, live)).toBe(200);
  await detail.expectLive();
  await expect(detail.phase).toHaveText("Ready", { timeout: 60_000 });
  await expect(detail.section("Backup history")).toContainText("No MySQL backups of this cluster");

  // The dialog asks which of spec.backup.storages; Cancel creates nothing.
  await expect(detail.action("backup")).toBeEnabled();
  await detail.action("backup").click();
  await expect(detail.action("backup")).toHaveText("Back up now");
  await expect(detail.dialog).toContainText(`Back up MySQL cluster ${live} now?`);
  const storage = detail.dialog.getByRole("combobox", { name: "Storage" });
  await expect(storage.locator("option")).toHaveText(["main", "archive"]);
  await detail.dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(detail.dialog).toHaveCount(0);
  expect(await runsOfCluster(REFS.mysqlbackups, DEMO_NAMESPACE, live)).toHaveLength(0);

  await detail.action("backup").click();
  await storage.selectOption("archive");
  await detail.dialog.getByRole("button", { name: "Back up now", exact: true }).click();
  await expect(detail.dialog).toHaveCount(0);
  await expect(detail.requested).toContainText("Back up now requested");

  // The API created one MySQLBackup of this cluster to the chosen storage, in its shard (none).
  const backup = await onlyRun(REFS.mysqlbackups, live);
  expect(backup.metadata.name.startsWith(`${live}-`)).toBe(true);
  expect(backup.spec).toMatchObject({ clusterName: live, storageName: "archive" });
  expect(backup.metadata.labels?.[BACKUP_CLUSTER_LABEL]).toBe(live);
  expect(backup.metadata.labels?.[Object.keys(IDLE_SHARD)[0] ?? ""]).toBeUndefined();

  // It appears in the backup history live, and the row follows what the operator writes.
  await expect(history.row(backup.metadata.name)).toBeVisible();
  await expect(history.link(backup.metadata.name)).toHaveAttribute(
    "href",
    `/mysqlbackups/${DEMO_NAMESPACE}/${backup.metadata.name}`,
  );
  await expect(async () => {
    const phase = (await readRun(REFS.mysqlbackups, DEMO_NAMESPACE, backup.metadata.name)).status
      ?.phase;
    expect(phase, "the operator has written a phase").toBeDefined();
    await expect(history.phase(backup.metadata.name)).toHaveText(phase ?? "", { timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
});

test("a backup that has not finished refuses a second one, in the UI and in the API", async ({
  page,
}) => {
  await signIn(page, alice);
  await createCluster(page, idle, IDLE_SHARD);
  await patchStatus(REFS.mysqlclusters, DEMO_NAMESPACE, idle, { phase: "Ready" });
  const detail = new ResourceDetailPage(page, "mysqlclusters");
  const history = new BackupRunsSection(page, "backup-history");
  expect(await detail.goto(DEMO_NAMESPACE, idle)).toBe(200);
  await detail.expectLive();
  await expect(detail.phase).toHaveText("Ready");
  await expect(detail.action("restore")).toHaveAttribute("aria-disabled", "true");
  await expect(detail.actionReason("restore")).toContainText(
    "There is no Succeeded backup of this cluster to restore.",
  );

  await detail.runAction("backup", "Back up now");
  await expect(detail.requested).toContainText("Back up now requested");
  const backup = await onlyRun(REFS.mysqlbackups, idle);
  const name = backup.metadata.name;
  // The first storage is the default choice; the run is in the cluster's (idle) shard.
  expect(backup.spec).toMatchObject({ clusterName: idle, storageName: "main" });
  expect(backup.metadata.labels).toMatchObject(IDLE_SHARD);
  await expect(history.phase(name)).toHaveText("Pending");

  // While it is Pending a second backup is disabled, with the reason.
  await expect(detail.action("backup")).toHaveAttribute("aria-disabled", "true");
  await expect(detail.actionReason("backup")).toContainText(`Backup ${name} is still running`);
  await expect(detail.action("backup")).toHaveAccessibleDescription(/is still running/);
  await detail.action("backup").click({ force: true });
  await expect(detail.dialog).toHaveCount(0);

  // Running, as an operator would write it: still refused, and the API says why (409).
  await patchStatus(REFS.mysqlbackups, DEMO_NAMESPACE, name, {
    phase: "Running",
    startedAt: kubeTime(),
  });
  await expect(history.phase(name)).toHaveText("Running");
  await expect(detail.actionReason("backup")).toContainText(`Backup ${name} is still running`);
  const refused = await page.request.post(
    `/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters/${idle}/actions/backup`,
    { data: { storageName: "archive" }, headers: await csrfHeaders(page.request) },
  );
  expect(refused.status()).toBe(409);
  const body = (await refused.json()) as { error: { message: string } };
  expect(body.error.message).toContain(`already Running (MySQLBackup ${name})`);
  expect(await runsOfCluster(REFS.mysqlbackups, DEMO_NAMESPACE, idle)).toHaveLength(1);
});

test("alice restores a Succeeded backup; the restore is listed and stop waits for it", async ({
  page,
}) => {
  await signIn(page, alice);
  const [backup] = await runsOfCluster(REFS.mysqlbackups, DEMO_NAMESPACE, idle);
  if (!backup) throw new Error("the previous test's backup is missing");
  const name = backup.metadata.name;
  const completedAt = kubeTime();
  await patchStatus(REFS.mysqlbackups, DEMO_NAMESPACE, name, {
    phase: "Succeeded",
    completedAt,
    sizeBytes: 1024,
    location: { bucket: "e2e-backups", key: `${name}.sql.gz`, url: `s3://e2e-backups/${name}` },
  });

  const detail = new ResourceDetailPage(page, "mysqlclusters");
  const history = new BackupRunsSection(page, "backup-history");
  const restores = new BackupRunsSection(page, "restores");
  expect(await detail.goto(DEMO_NAMESPACE, idle)).toBe(200);
  await detail.expectLive();
  await expect(history.phase(name)).toHaveText("Succeeded");
  // Nothing is running any more: a new backup and a restore are offered.
  await expect(detail.action("backup")).not.toHaveAttribute("aria-disabled", "true");
  await expect(detail.action("restore")).not.toHaveAttribute("aria-disabled", "true");

  await detail.action("restore").click();
  await expect(detail.dialog).toContainText(`Restore MySQL cluster ${idle}?`);
  await expect(detail.dialog).toContainText("Writes to the target cluster stop");
  const choice = detail.dialog.getByRole("combobox", { name: "Backup to restore" });
  await expect(choice.locator("option")).toHaveCount(1);
  await expect(choice.locator("option")).toContainText(name);
  await expect(choice).toHaveValue(name);
  await detail.dialog.getByRole("button", { name: "Restore", exact: true }).click();
  await expect(detail.dialog).toHaveCount(0);
  await expect(detail.requested).toContainText("Restore requested");

  // The API created one MySQLRestore of that backup into this cluster, in the idle shard.
  const restore = await onlyRun(REFS.mysqlrestores, idle);
  const restoreName = restore.metadata.name;
  expect(restoreName.startsWith(`${idle}-restore-`)).toBe(true);
  expect(restore.spec).toMatchObject({ backupName: name, target: { clusterName: idle } });
  expect(restore.metadata.labels).toMatchObject(IDLE_SHARD);
  await expect(restores.phase(restoreName)).toHaveText("Pending");

  // While it runs, stop and a second restore are disabled with the reason.
  await patchStatus(REFS.mysqlrestores, DEMO_NAMESPACE, restoreName, {
    phase: "Running",
    startedAt: kubeTime(),
  });
  await expect(restores.phase(restoreName)).toHaveText("Running");
  const busy = `Restore ${restoreName} is running into this cluster`;
  await expect(detail.action("stop")).toHaveAttribute("aria-disabled", "true");
  await expect(detail.actionReason("stop")).toContainText(busy);
  await expect(detail.action("restore")).toHaveAttribute("aria-disabled", "true");
  await expect(detail.actionReason("restore")).toContainText(busy);
  await expect(detail.action("backup")).toHaveAttribute("aria-disabled", "true");
  await expect(detail.actionReason("backup")).toContainText(busy);

  // From the backup's own page, Restore targets its cluster; the API refuses a second restore.
  const backupPage = new ResourceDetailPage(page, "mysqlbackups");
  expect(await backupPage.goto(DEMO_NAMESPACE, name)).toBe(200);
  await backupPage.expectLive();
  await expect(backupPage.phase).toHaveText("Succeeded");
  await backupPage.action("restore").click();
  const target = backupPage.dialog.getByRole("combobox", { name: "Cluster to restore into" });
  await expect(target).toHaveValue(idle);
  await backupPage.dialog.getByRole("button", { name: "Restore", exact: true }).click();
  await expect(backupPage.dialogError).toContainText("Refused: the resource is busy");
  await expect(backupPage.dialogError).toContainText(
    `A restore into ${idle} is Running (MySQLRestore ${restoreName})`,
  );
  await backupPage.dialog.getByRole("button", { name: "Cancel" }).click();
  expect(await runsOfCluster(REFS.mysqlrestores, DEMO_NAMESPACE, idle)).toHaveLength(1);

  // The restore's own page shows it, reached from the cluster's restore list.
  expect(await detail.goto(DEMO_NAMESPACE, idle)).toBe(200);
  await restores.link(restoreName).click();
  await expect(page).toHaveURL(`/mysqlrestores/${DEMO_NAMESPACE}/${restoreName}`);
  const restorePage = new ResourceDetailPage(page, "mysqlrestores");
  await expect(restorePage.heading(restoreName)).toBeVisible();
  await expect(restorePage.phase).toHaveText("Running");

  // Once it has finished, stop is offered again, live.
  expect(await detail.goto(DEMO_NAMESPACE, idle)).toBe(200);
  await detail.expectLive();
  await patchStatus(REFS.mysqlrestores, DEMO_NAMESPACE, restoreName, {
    phase: "Succeeded",
    completedAt: kubeTime(),
  });
  await expect(restores.phase(restoreName)).toHaveText("Succeeded");
  await expect(detail.action("stop")).not.toHaveAttribute("aria-disabled", "true");
  await expect(detail.actionReason("stop")).toHaveCount(0);
});

test("bob, a viewer, sees Back up and Restore disabled with the RBAC reason", async ({ page }) => {
  await signIn(page, bob);
  const detail = new ResourceDetailPage(page, "mysqlclusters");
  expect(await detail.goto(DEMO_NAMESPACE, idle)).toBe(200);
  await detail.expectLive();
  const rbac = `Kubernetes RBAC does not allow ${bob.email}`;
  for (const action of ["backup", "restore"] as const) {
    await expect(detail.action(action)).toHaveAttribute("aria-disabled", "true");
    await expect(detail.actionReason(action)).toContainText(rbac);
    await expect(detail.action(action)).toHaveAccessibleDescription(
      /Kubernetes RBAC does not allow/,
    );
    await detail.action(action).click({ force: true });
    await expect(detail.dialog).toHaveCount(0);
  }
  const refused = await page.request.post(
    `/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters/${idle}/actions/backup`,
    { data: {}, headers: await csrfHeaders(page.request) },
  );
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
    bob.email,
  );
  expect(await runsOfCluster(REFS.mysqlbackups, DEMO_NAMESPACE, idle)).toHaveLength(1);
});

test("the MySQLBackup form offers only its cluster's storages, and says when it has none", async ({
  page,
}) => {
  await signIn(page, alice);
  await createCluster(page, picks, IDLE_SHARD);
  await createCluster(page, nostore, IDLE_SHARD, null);
  const form = new ResourceFormPage(page);
  await form.gotoCreate("mysqlbackups", DEMO_NAMESPACE);
  const storage = form.field("Storage name", "combobox");
  await expect(storage).toBeDisabled();
  await expect(storage).toHaveAccessibleDescription(/Choose the cluster first/);

  await form.field("Cluster name").fill(nostore);
  await expect(storage).toHaveAccessibleDescription(
    `MySQLCluster ${nostore} has no backup storage: add one to its spec.backup.storages first.`,
  );
  await expect(storage).toBeDisabled();

  await form.field("Cluster name").fill(picks);
  await expect(storage).toBeEnabled();
  await expect(storage.locator("option")).toHaveText(["— choose a storage —", "main", "archive"]);
  await form.field("Name").fill(`${picks}-manual`);
  await storage.selectOption("archive");
  await form.submitButton.click();
  await expect(page).toHaveURL(new RegExp(`/mysqlbackups/${DEMO_NAMESPACE}/${picks}-manual$`));
  const backup = await readRun(REFS.mysqlbackups, DEMO_NAMESPACE, `${picks}-manual`);
  expect(backup.spec).toMatchObject({ clusterName: picks, storageName: "archive" });

  // The restore form offers the namespace's backups with cluster and phase, not a free-text
  // name. The operator fails this one (the e2e platform has no S3 server): it is listed, but
  // cannot be chosen. The idle cluster's backup, Succeeded, can.
  await expect
    .poll(
      async () =>
        (await readRun(REFS.mysqlbackups, DEMO_NAMESPACE, `${picks}-manual`)).status?.phase,
      { timeout: 60_000 },
    )
    .toBe("Failed");
  const succeeded = (await runsOfCluster(REFS.mysqlbackups, DEMO_NAMESPACE, idle)).find(
    (b) => b.status?.phase === "Succeeded",
  );
  if (!succeeded) throw new Error("the earlier tests' Succeeded backup is missing");
  await form.gotoCreate("mysqlrestores", DEMO_NAMESPACE);
  const backupName = form.field("Backup name", "combobox");
  const failed = backupName.locator("option", { hasText: `${picks}-manual — ${picks}, Failed` });
  await expect(failed).toBeDisabled();
  await expect(failed).toContainText("(Failed backups cannot be restored)");
  const done = backupName.locator("option", {
    hasText: `${succeeded.metadata.name} — ${idle}, Succeeded`,
  });
  await expect(done).toBeEnabled();
  await backupName.selectOption(succeeded.metadata.name);
  await form.show("YAML");
  await expect(form.yamlLines).toContainText(`backupName: ${succeeded.metadata.name}`);

  // A client that skips the form is refused by the API, on the field, with the choices.
  const refused = await page.request.post(`/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlbackups`, {
    data: {
      metadata: { name: `${picks}-tape` },
      spec: { clusterName: picks, storageName: "tape" },
    },
    headers: await csrfHeaders(page.request),
  });
  expect(refused.status()).toBe(422);
  expect(await refused.json()).toMatchObject({
    error: {
      causes: [
        {
          field: "spec.storageName",
          message: "must be one of the cluster's storages: main, archive",
        },
      ],
    },
  });
});
