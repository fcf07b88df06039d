import { expect, type Locator, type Page } from "@playwright/test";

/** The detail page of one MySQL cluster. */
export class ClusterDetailPage {
  readonly liveStatus: Locator;
  readonly deleted: Locator;
  readonly notFound: Locator;

  constructor(private readonly page: Page) {
    this.liveStatus = page.getByTestId("live-status");
    this.deleted = page.getByTestId("resource-deleted");
    this.notFound = page.getByTestId("not-found");
  }

  /** Opens the page; returns the document's HTTP status. */
  async goto(namespace: string, name: string): Promise<number> {
    const response = await this.page.goto(`/mysqlclusters/${namespace}/${name}`);
    return response?.status() ?? 0;
  }

  heading(name: string): Locator {
    return this.page.getByRole("heading", { name, level: 1, exact: true });
  }

  async expectLive() {
    await expect(this.liveStatus).toHaveAttribute("data-status", "live");
  }
}
