/**
 * Runs once per server process. Starts the Purchased-event indexer loop when a chain is
 * configured; it is idempotent, so several app instances may run it at once.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startIndexerLoop } = await import("@/lib/chain/indexer-loop");
  startIndexerLoop();
}
