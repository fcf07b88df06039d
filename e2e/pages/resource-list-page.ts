import { expect, type Locator, type Page } from "@playwright/test";
import { NamespacePickerControl } from "./namespace-picker";

/** The list page of any kind (`/{plural}?namespace=`), with search, sort and virtual rows. */
export class ResourceListPage {
  readonly liveStatus: Locator;
  readonly search: Locator;
  readonly count: Locator;
  readonly table: Locator;
  readonly scrollArea: Locator;
  readonly createButton: Locator;
  readonly picker: NamespacePickerControl;

  constructor(
    private readonly page: Page,
    readonly plural: string,
    readonly title: string,
  ) {
    this.picker = new NamespacePickerControl(page);
    this.liveStatus = page.getByTestId("live-status");
    this.search = page.getByRole("textbox", { name: `Search ${title}` });
    this.count = page.getByTestId("result-count");
    this.table = page.getByRole("grid", { name: title }).or(page.getByTestId("resource-table"));
    this.scrollArea = page.getByTestId("resource-table-scroll");
    this.createButton = page.getByRole("button", { name: /^Create / });
  }

  async goto(namespace: string) {
    await this.page.goto(`/${this.plural}?namespace=${namespace}`);
    await expect(this.page.getByRole("heading", { name: this.title, level: 1 })).toBeVisible();
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

  async expectLive() {
    await expect(this.liveStatus).toHaveAttribute("data-status", "live");
  }

  /** A row by object name (rows are rendered only while in view). */
  row(name: string): Locator {
    return this.page.locator(`[data-testid$="-row-${name}"]`);
  }

  /** Rows of objects in the DOM now (not the spacer rows of the virtual table). */
  renderedRows(): Locator {
    return this.page.locator('[data-testid="resource-table"] tbody tr[data-index]');
  }

  /** Names of the rendered rows, top to bottom. */
  async renderedNames(): Promise<string[]> {
    return this.renderedRows().evaluateAll((rows) =>
      rows.map((r) => r.querySelector("td a")?.textContent ?? ""),
    );
  }

  /** Clicks a column's sort button (once ascending, again descending). */
  async sortBy(column: string) {
    await this.page
      .getByRole("columnheader", { name: column, exact: true })
      .getByRole("button")
      .click();
  }
}
