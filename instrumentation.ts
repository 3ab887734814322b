/**
 * Runs once per server process. Starts the chain event indexer and the receipt
 * attestation timer when a chain is configured; both are idempotent, so several app
 * instances may run them at once.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startAttestationLoop, startIndexerLoop } = await import("@/lib/chain/indexer-loop");
  startIndexerLoop();
  startAttestationLoop();
}
