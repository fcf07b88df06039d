import { expect, type Locator, type Page } from "@playwright/test";
import { untilHydrated } from "./hydration";

/** How long the picker may take to open under a loaded machine, in ms. */
const OPEN_TIMEOUT_MS = 30_000;

/**
 * The namespace picker of the list, overview and alerts pages (a PatternFly typeahead select
 * filled from `GET /api/v1/namespaces`).
 *
 * The server renders the picker before React hydrates it, and a click on the server-rendered
 * input does nothing; on a loaded machine that window is seconds long. So opening waits until
 * React owns the input ({@link untilHydrated}) and retries the click until the options show.
 */
export class NamespacePickerControl {
  readonly input: Locator;
  readonly options: Locator;

  constructor(private readonly page: Page) {
    this.input = page.getByRole("textbox", { name: "Namespace", exact: true });
    this.options = page.getByRole("option");
  }

  /** Waits until React owns the input (its handlers are attached). */
  async hydrated() {
    await untilHydrated(this.input);
  }

  /** Opens the picker (once hydrated) and waits for its options. */
  async open() {
    await this.hydrated();
    await expect(async () => {
      if (!(await this.options.first().isVisible())) await this.input.click();
      await expect(this.options.first()).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: OPEN_TIMEOUT_MS });
  }

  /** Opens the picker and returns the names it offers, top to bottom, once they are loaded. */
  async choices(): Promise<string[]> {
    await this.open();
    await expect(this.page.getByRole("option", { name: "Loading namespaces…" })).toHaveCount(0);
    return (await this.options.allTextContents()).map((t) => t.trim());
  }

  /** Chooses a namespace (or "All namespaces"). */
  async choose(choice: string) {
    await this.open();
    await this.page.getByRole("option", { name: choice, exact: true }).click();
  }
}
