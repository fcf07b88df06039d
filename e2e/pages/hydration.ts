import { expect, type Locator } from "@playwright/test";

/** How long a server-rendered element may take to be hydrated on a loaded machine, in ms. */
const HYDRATION_TIMEOUT_MS = 30_000;

/**
 * Waits until React has hydrated the element `locator` finds, i.e. its event handlers are
 * attached. The pages are server-rendered: an element is visible (and Playwright clicks or fills
 * it) before hydration, and then a click does nothing and a value typed into a controlled input
 * is not in React's state. React marks every element it owns with a `__reactFiber$…` key.
 */
export async function untilHydrated(locator: Locator) {
  await expect(locator).toBeVisible({ timeout: HYDRATION_TIMEOUT_MS });
  await locator.evaluate(
    (el) =>
      new Promise<void>((resolve) => {
        const owned = () => Object.keys(el).some((k) => k.startsWith("__reactFiber$"));
        const check = () => (owned() ? resolve() : setTimeout(check, 50));
        check();
      }),
    undefined,
    { timeout: HYDRATION_TIMEOUT_MS },
  );
}
