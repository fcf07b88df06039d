import { expect, type Locator, type Page } from "@playwright/test";
import { NamespacePickerControl } from "./namespace-picker";

/** The alerts view (`/alerts`): alerts from conditions, Warning Events and Alertmanager. */
export class AlertsPage {
  readonly rows: Locator;
  readonly liveStatus: Locator;
  readonly alertmanagerStatus: Locator;

  constructor(private readonly page: Page) {
    this.rows = page.getByTestId("alert-row");
    this.liveStatus = page.getByTestId("live-status");
    this.alertmanagerStatus = page.getByTestId("alertmanager-status");
  }

  async goto(namespace: string) {
    await this.page.goto(`/alerts?namespace=${namespace}`);
    await expect(this.page.getByRole("heading", { name: "Alerts", level: 1 })).toBeVisible();
  }

  /** The toggle that shows or hides one severity. */
  severityToggle(severity: "critical" | "warning" | "info"): Locator {
    return this.page.getByRole("button", { name: new RegExp(`^${severity} \\(\\d+\\)$`) });
  }

  row(text: string): Locator {
    return this.rows.filter({ hasText: text });
  }

  /** Chooses a namespace (or "All namespaces") in the picker. */
  async chooseNamespace(choice: string) {
    await new NamespacePickerControl(this.page).choose(choice);
  }
}
