/**
 * `npm run worker`: a process of queue workers only, for runs accepted asynchronously
 * (RUN_WORKERS of them, at least one) and webhook deliveries (WEBHOOK_WORKERS), against the product's Postgres (DATABASE_URL). The
 * web instances accept runs; any number of these processes run them.
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd());
const { env } = await import("@/lib/env");
if (env.LOG_FORMAT === "json") (await import("@/lib/log")).installJsonConsole();
if (!env.DATABASE_URL) {
  console.error(
    "[worker] npm run worker needs DATABASE_URL (Postgres). With the embedded database, npm start runs the workers itself (RUN_WORKERS).",
  );
  process.exit(1);
}
const { getSandboxPool } = await import("@/lib/agents/runtime/sandbox");
await getSandboxPool(env.SANDBOX_WORKERS).warm();
const { startRunWorkers } = await import("@/lib/queue/run-worker");
const { getBoss } = await import("@/lib/queue/boss");
const { startWebhookWorkers } = await import("@/lib/webhooks/relay");
const { startExportWorker } = await import("@/lib/data/export-queue");
const ids = await startRunWorkers(Math.max(1, env.RUN_WORKERS));
const webhookIds = env.WEBHOOK_WORKERS > 0 ? await startWebhookWorkers(env.WEBHOOK_WORKERS) : [];
await startExportWorker();
console.log(`[worker] ${ids.length} run worker(s) and ${webhookIds.length} webhook delivery worker(s) running`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // Running jobs finish (up to 2 minutes); the rest stay queued for other workers.
    void getBoss()
      .then((boss) => boss.stop({ graceful: true, timeout: 130_000 }))
      .finally(() => process.exit(0));
  });
}
