/**
 * Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs` with
 * `what` and the last error or value seen. `check` runs before each attempt (e.g. "the operator
 * is still alive") and fails the wait at once when it throws.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs?: number; intervalMs?: number; check?: () => void } = {},
): Promise<T> {
  const { timeoutMs = 60_000, intervalMs = 250, check } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    check?.();
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = "not yet";
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : String(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${detail})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
