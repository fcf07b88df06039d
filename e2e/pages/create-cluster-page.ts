import type { Locator, Page } from "@playwright/test";

export interface ClusterFormValues {
  name: string;
  namespace?: string;
  engine?: "mysql" | "mariadb";
  version?: string;
  replicas?: string;
  storageSize?: string;
}

type FieldLabel = "Name" | "Namespace" | "Engine" | "Version" | "Replicas" | "Storage size";

const ROLES = {
  Name: "textbox",
  Namespace: "textbox",
  Engine: "combobox",
  Version: "textbox",
  Replicas: "spinbutton",
  "Storage size": "textbox",
} as const;

/** The create form; fields found by their labels, as a user finds them. */
export class CreateClusterPage {
  readonly createButton: Locator;
  /** The alert saying why the user may not create here. */
  readonly refusal: Locator;

  constructor(private readonly page: Page) {
    this.createButton = page.getByRole("button", { name: "Create", exact: true });
    this.refusal = page.getByTestId("create-refused");
  }

  async goto(namespace: string) {
    await this.page.goto(`/mysqlclusters/new?namespace=${namespace}`);
  }

  /**
   * A field by its accessible name (the label without the required marker); the storage size is
   * the "Size" field of the form's "Storage" section.
   */
  field(label: FieldLabel): Locator {
    if (label === "Storage size") {
      return this.page
        .getByRole("group", { name: "Storage", exact: true })
        .getByRole("textbox", { name: "Size", exact: true });
    }
    return this.page.getByRole(ROLES[label], { name: label, exact: true });
  }

  /** The error (or hint) shown under a field. */
  fieldMessage(label: FieldLabel): Locator {
    return this.field(label)
      .locator("xpath=ancestor::div[contains(@class, 'pf-v6-c-form__group')][1]")
      .locator(".pf-v6-c-helper-text__item.pf-m-error");
  }

  async fill(values: ClusterFormValues) {
    await this.field("Name").fill(values.name);
    if (values.namespace !== undefined) await this.field("Namespace").fill(values.namespace);
    if (values.engine) await this.field("Engine").selectOption(values.engine);
    if (values.version !== undefined) await this.field("Version").fill(values.version);
    if (values.replicas !== undefined) await this.field("Replicas").fill(values.replicas);
    if (values.storageSize !== undefined) {
      await this.field("Storage size").fill(values.storageSize);
    }
  }

  async submit() {
    await this.createButton.click();
  }
}
