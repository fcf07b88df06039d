import { expect, type Locator, type Page } from "@playwright/test";

/** The overview (`/`): every cluster with health, alerts count and last backup. */
export class OverviewPage {
  readonly liveStatus: Locator;
  readonly alertsTotal: Locator;

  constructor(private readonly page: Page) {
    this.liveStatus = page.getByTestId("live-status");
    this.alertsTotal = page.getByTestId("alerts-total");
  }

  async goto(namespace: string) {
    await this.page.goto(`/?namespace=${namespace}`);
    await expect(this.page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  }

  /** The namespace picker's input (typeahead select filled from GET /api/v1/namespaces). */
  namespacePicker(): Locator {
    return this.page.getByRole("textbox", { name: "Namespace", exact: true });
  }

  /** Opens the namespace picker and returns the names it offers, top to bottom. */
  async namespaceChoices(): Promise<string[]> {
    await this.namespacePicker().click();
    const options = this.page.getByRole("option");
    await expect(options.first()).toBeVisible();
    await expect(this.page.getByRole("option", { name: "Loading namespaces…" })).toHaveCount(0);
    return (await options.allTextContents()).map((t) => t.trim());
  }

  /** Chooses a namespace (or "All namespaces") in the picker. */
  async chooseNamespace(choice: string) {
    await this.namespacePicker().click();
    await this.page.getByRole("option", { name: choice, exact: true }).click();
  }

  row(plural: "mysqlclusters" | "kafkaclusters", name: string): Locator {
    return this.page.getByTestId(`overview-row-${plural}-${name}`);
  }

  /** The health label (Healthy, Paused, Progressing…) of a cluster's row. */
  health(plural: "mysqlclusters" | "kafkaclusters", name: string): Locator {
    return this.row(plural, name).getByTestId("overview-health").getByTestId("health-label");
  }

  /** The words next to the health label ("replication not verified", the Paused reason…). */
  healthHint(plural: "mysqlclusters" | "kafkaclusters", name: string): Locator {
    return this.row(plural, name).getByTestId("overview-health").getByTestId("health-hint");
  }

  alerts(plural: "mysqlclusters" | "kafkaclusters", name: string): Locator {
    return this.row(plural, name).getByTestId("overview-alerts");
  }

  lastBackup(plural: "mysqlclusters" | "kafkaclusters", name: string): Locator {
    return this.row(plural, name).getByTestId("overview-last-backup");
  }
}
