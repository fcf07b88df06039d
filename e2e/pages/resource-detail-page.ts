import { expect, type Locator, type Page } from "@playwright/test";

type Action = "start" | "stop" | "backup" | "restore" | "switchover" | "pause" | "resume";

/** The detail page of any kind, with its actions. */
export class ResourceDetailPage {
  readonly liveStatus: Locator;
  readonly phase: Locator;
  readonly dialog: Locator;
  readonly dialogError: Locator;
  readonly requested: Locator;
  readonly blockers: Locator;

  constructor(
    private readonly page: Page,
    readonly plural: string,
  ) {
    this.liveStatus = page.getByTestId("live-status");
    this.phase = page.getByTestId("detail-phase");
    this.dialog = page.getByRole("dialog");
    this.dialogError = page.getByTestId("action-error");
    this.requested = page.getByTestId("action-requested");
    this.blockers = page.getByTestId("blockers");
  }

  async goto(namespace: string, name: string): Promise<number> {
    const response = await this.page.goto(`/${this.plural}/${namespace}/${name}`);
    return response?.status() ?? 0;
  }

  heading(name: string): Locator {
    return this.page.getByRole("heading", { name, level: 1, exact: true });
  }

  async expectLive() {
    await expect(this.liveStatus).toHaveAttribute("data-status", "live");
  }

  action(action: Action): Locator {
    return this.page.getByTestId(`action-${action}`);
  }

  /** Why an action is disabled (the text the button is described by). */
  actionReason(action: Action): Locator {
    return this.page.getByTestId(`action-reason-${action}`);
  }

  /** Opens the action's confirmation and confirms it. */
  async runAction(action: Action, confirmLabel: string) {
    await this.action(action).click();
    await expect(this.dialog).toBeVisible();
    await this.dialog.getByRole("button", { name: confirmLabel, exact: true }).click();
  }

  section(name: string): Locator {
    return this.page.getByRole("region", { name });
  }
}
