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

  row(plural: "mysqlclusters" | "kafkaclusters", name: string): Locator {
    return this.page.getByTestId(`overview-row-${plural}-${name}`);
  }

  health(plural: "mysqlclusters" | "kafkaclusters", name: string): Locator {
    return this.row(plural, name).getByTestId("overview-health");
  }

  alerts(plural: "mysqlclusters" | "kafkaclusters", name: string): Locator {
    return this.row(plural, name).getByTestId("overview-alerts");
  }

  lastBackup(plural: "mysqlclusters" | "kafkaclusters", name: string): Locator {
    return this.row(plural, name).getByTestId("overview-last-backup");
  }
}
