import { expect, type Locator, type Page } from "@playwright/test";
import { untilHydrated } from "./hydration";

type Role = "textbox" | "spinbutton" | "combobox" | "checkbox";

/**
 * The generated create and edit form of any kind (components/forms), with its Form | YAML
 * toggle; fields found by their labels, inside their section when they are nested.
 */
export class ResourceFormPage {
  readonly submitButton: Locator;
  readonly error: Locator;
  /** The focusable wrapper of {@link error}: it takes focus after a refused submit. */
  readonly errorSummary: Locator;
  readonly yamlProblem: Locator;

  constructor(private readonly page: Page) {
    this.submitButton = page.getByRole("button", { name: /^(Create|Save)$/ });
    this.error = page.getByTestId("form-error");
    this.errorSummary = page.getByTestId("form-error-summary");
    this.yamlProblem = page.getByTestId("yaml-problem");
  }

  async gotoCreate(plural: string, namespace: string) {
    await this.page.goto(`/${plural}/new?namespace=${namespace}`);
    await untilHydrated(this.submitButton);
  }

  async gotoEdit(plural: string, namespace: string, name: string) {
    await this.page.goto(`/${plural}/${namespace}/${name}/edit`);
    await untilHydrated(this.submitButton);
  }

  /** Opens the edit form the way a user does: the detail page's Edit link. */
  async editFromDetail(plural: string, namespace: string, name: string) {
    await this.page.goto(`/${plural}/${namespace}/${name}`);
    await this.page.getByRole("link", { name: "Edit", exact: true }).click();
    await this.page.waitForURL(`**/${plural}/${namespace}/${name}/edit`);
  }

  /** A field by its label, within the section (group) named `section` when given. */
  field(label: string, role: Role = "textbox", section?: string): Locator {
    const scope = section
      ? this.page.getByRole("group", { name: section, exact: true })
      : this.page.locator("form");
    return scope.getByRole(role, { name: label, exact: true });
  }

  /** The error shown under a field. */
  fieldError(field: Locator): Locator {
    return field
      .locator("xpath=ancestor::div[contains(@class, 'pf-v6-c-form__group')][1]")
      .locator(".pf-v6-c-helper-text__item.pf-m-error");
  }

  /** Switches the view; the toggle's buttons are "Form" and "YAML". */
  async show(view: "Form" | "YAML") {
    await this.page.getByRole("button", { name: view, exact: true }).click();
  }

  /** Monaco's input area (its accessible name is set by the form). */
  get yamlEditor(): Locator {
    return this.page.getByRole("textbox", { name: /^YAML of the / });
  }

  /** The text Monaco shows (its rendered lines; the document is short enough to be all shown). */
  get yamlLines(): Locator {
    return this.page.locator(".monaco-editor .view-lines");
  }

  /**
   * Replaces the whole YAML as a user pasting a manifest: select all, then a paste event with
   * the text on the editor's focused input (typed text would be re-indented line by line).
   */
  async replaceYaml(text: string) {
    await expect(this.yamlEditor).toBeAttached();
    await this.page.locator(".monaco-editor .view-lines").click();
    await this.page.keyboard.press("ControlOrMeta+A");
    await this.page.evaluate((pasted) => {
      const data = new DataTransfer();
      data.setData("text/plain", pasted);
      const target = document.activeElement ?? document.body;
      target.dispatchEvent(
        new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
      );
    }, text);
  }
}
