import type { Locator, Page } from "@playwright/test";

/**
 * The run tables of a MySQL cluster's detail page: "Backup history" (MySQLBackups of the
 * cluster, newest first) and "MySQL restores" (MySQLRestores into it), one row per run with its
 * name (a link to the run's detail page), phase, completion time and error.
 */
export class BackupRunsSection {
  readonly table: Locator;

  /**
   * @param which - `backup-history` for MySQLBackups, `restores` for MySQLRestores (the
   *   tables' test ids in components/resources/resource-detail.tsx).
   */
  constructor(
    private readonly page: Page,
    which: "backup-history" | "restores",
  ) {
    this.table = page.getByTestId(which);
  }

  /** Every run row of the table. */
  rows(): Locator {
    return this.table.locator("tbody tr");
  }

  /** The row of run `name`. */
  row(name: string): Locator {
    return this.page.getByTestId(`child-${name}`);
  }

  /** The Phase cell of run `name` ("Pending" while no operator has written a phase). */
  phase(name: string): Locator {
    return this.row(name).locator('td[data-label="Phase"]');
  }

  /** The Error cell of run `name` ("—" when there is none). */
  error(name: string): Locator {
    return this.row(name).locator('td[data-label="Error"]');
  }

  /** The link to run `name`'s own detail page. */
  link(name: string): Locator {
    return this.row(name).getByRole("link", { name, exact: true });
  }
}
