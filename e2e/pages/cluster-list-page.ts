import { expect, type Locator, type Page } from "@playwright/test";
import { NamespacePickerControl } from "./namespace-picker";

/** The MySQL clusters list page. */
export class ClusterListPage {
  readonly createButton: Locator;
  readonly disabledReason: Locator;
  readonly liveStatus: Locator;
  readonly namespaceFilter: Locator;
  readonly namespaceError: Locator;

  constructor(private readonly page: Page) {
    this.namespaceFilter = page.getByRole("textbox", { name: "Namespace" });
    this.namespaceError = page.getByTestId("namespace-error");
    this.createButton = page.getByRole("button", { name: "Create MySQL cluster" });
    this.disabledReason = page.getByTestId("create-disabled-reason");
    this.liveStatus = page.getByTestId("live-status");
  }

  async goto(namespace: string) {
    await this.page.goto(`/mysqlclusters?namespace=${namespace}`);
    await expect(
      this.page.getByRole("heading", { name: "MySQL clusters", exact: true }),
    ).toBeVisible();
  }

  /** Waits until the view is fed by the live stream. */
  async expectLive() {
    await expect(this.liveStatus).toHaveAttribute("data-status", "live");
  }

  /** Types a namespace into the filter and submits it. */
  async showNamespace(namespace: string) {
    await new NamespacePickerControl(this.page).hydrated();
    await this.namespaceFilter.fill(namespace);
    await this.page.getByRole("button", { name: "Show", exact: true }).click();
  }

  row(name: string): Locator {
    return this.page.getByTestId(`cluster-row-${name}`);
  }

  phase(name: string): Locator {
    return this.row(name).getByTestId("cluster-phase");
  }

  ready(name: string): Locator {
    return this.row(name).getByTestId("cluster-ready");
  }

  replicas(name: string): Locator {
    return this.row(name).getByTestId("cluster-replicas");
  }
}
