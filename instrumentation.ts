/**
 * Runs once per server process. Warms the sandbox pool (SANDBOX_WORKERS workers), so the
 * first runs do not wait for QuickJS to load, ends runs a stopped process left running
 * (lib/metering/reaper.ts), rolls finished runs up for the dashboards every second
 * (lib/dashboards/roller.ts), installs the lean routes (live streams answered on the bare
 * Node request, lib/http/lean-routes.ts), starts RUN_WORKERS queue workers for runs accepted
 * asynchronously (lib/queue/run-worker.ts), relays webhook deliveries to the queue and starts
 * WEBHOOK_WORKERS delivery workers (lib/webhooks/relay.ts), and starts the chain event indexer and the
 * receipt attestation timer when a chain is configured; with several app instances, one
 * leads each (db/leadership.ts) and another takes over when it stops.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ env }, { getSandboxPool }] = await Promise.all([
    import("@/lib/env"),
    import("@/lib/agents/runtime/sandbox"),
  ]);
  if (env.LOG_FORMAT === "json") (await import("@/lib/log")).installJsonConsole();
  getSandboxPool(env.SANDBOX_WORKERS)
    .warm()
    .catch((error: unknown) => console.error("[sandbox] could not start the sandbox workers:", error));
  const { installRequestMetrics } = await import("@/lib/metrics/observe");
  installRequestMetrics();
  // Threat detection: blocked sources are answered 429 first (lib/platform/threat-guard-hook.mjs).
  const { installThreatGuard } = await import("@/lib/security/guard");
  await installThreatGuard();
  const { startReaperLoop } = await import("@/lib/metering/reaper-loop");
  startReaperLoop();
  // Live streams on the bare Node request (lib/platform/lean-routes-hook.mjs calls them).
  const [{ installLeanRoutes }, { handleLiveRequest }] = await Promise.all([
    import("@/lib/http/lean-routes"),
    import("@/lib/live/node-stream"),
  ]);
  installLeanRoutes({ "/api/live": handleLiveRequest });
  const { startRollupLoop } = await import("@/lib/dashboards/roller");
  startRollupLoop();
  if (env.RUN_WORKERS > 0) {
    const { startRunWorkers } = await import("@/lib/queue/run-worker");
    startRunWorkers(env.RUN_WORKERS).catch((error: unknown) =>
      console.error("[queue] could not start the run workers:", error),
    );
  }
  const { startWebhookRelayLoop, startWebhookWorkers } = await import("@/lib/webhooks/relay");
  startWebhookRelayLoop();
  if (env.WEBHOOK_WORKERS > 0)
    startWebhookWorkers(env.WEBHOOK_WORKERS).catch((error: unknown) =>
      console.error("[webhooks] could not start the delivery workers:", error),
    );
  const { startExportWorker } = await import("@/lib/data/export-queue");
  startExportWorker().catch((error: unknown) => console.error("[exports] could not start the export builder:", error));
  const { startAttestationLoop, startIndexerLoop } = await import("@/lib/chain/indexer-loop");
  startIndexerLoop();
  startAttestationLoop();
}
