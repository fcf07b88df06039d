import { expect, type Locator, type Page } from "@playwright/test";
import { NamespacePickerControl } from "./namespace-picker";

/** The overview (`/`): every cluster with health, alerts count and last backup. */
export class OverviewPage {
  readonly liveStatus: Locator;
  readonly alertsTotal: Locator;
  readonly picker: NamespacePickerControl;

  constructor(private readonly page: Page) {
    this.picker = new NamespacePickerControl(page);
    this.liveStatus = page.getByTestId("live-status");
    this.alertsTotal = page.getByTestId("alerts-total");
  }

  async goto(namespace: string) {
    await this.page.goto(`/?namespace=${namespace}`);
    await expect(this.page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  }

  /** The namespace picker's input (typeahead select filled from GET /api/v1/namespaces). */
  namespacePicker(): Locator {
    return this.picker.input;
  }

  /** Opens the namespace picker and returns the names it offers, top to bottom. */
  async namespaceChoices(): Promise<string[]> {
    return this.picker.choices();
  }

  /** Chooses a namespace (or "All namespaces") in the picker. */
  async chooseNamespace(choice: string) {
    await this.picker.choose(choice);
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
