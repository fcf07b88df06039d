/**
 * Next.js start-up hook: validates the dashboard's configuration once when the server starts, so
 * a missing or invalid variable stops the process before it serves a request.
 *
 * @see https://nextjs.org/docs/app/guides/instrumentation
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getConfig } = await import("./server/config");
  getConfig();
}
