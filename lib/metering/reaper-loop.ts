import "server-only";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { vacuumAnalyzeTables } from "@/db/queries/health";
import { repeat } from "@/lib/repeat";
import { deleteRunEventsBefore } from "@/db/queries/run-events";
import { deleteWebhookDeliveriesBefore } from "@/db/queries/webhooks";
import { deleteEndedRequestBlocks } from "@/db/queries/operator";
import { resendStaleExports } from "@/lib/data/export-queue";
import { reapOverdueRuns } from "./reaper";

/** How long a run's events can be followed (GET /api/v1/runs/{id}/events) after they were written. */
const RUN_EVENTS_KEPT_MS = 24 * 3600_000;

/** How long finished webhook deliveries stay listed in the console. */
const WEBHOOK_DELIVERIES_KEPT_MS = 30 * 24 * 3600_000;

const REAP_INTERVAL_MS = 60_000;

/** How often the embedded database is vacuumed and analyzed (Postgres' autovacuum does its own). */
const EMBEDDED_VACUUM_INTERVAL_MS = 3600_000;

/**
 * Ends runs whose process died (see reapOverdueRuns), deletes run events older than a
 * day, threat-detection blocks that ended a day ago and finished webhook deliveries older than 30 days: once at start-up, then every minute.
 * Every app instance may run it; a run is ended and refunded once however many do.
 */
export function startReaperLoop(): void {
  repeat(
    "reaper",
    REAP_INTERVAL_MS,
    async () => {
      const db = await getDb();
      const ended = await reapOverdueRuns(db);
      if (ended)
        console.log(`[reaper] ended ${ended} run(s) left running by a stopped process; their credits were returned`);
      // Old run events go, a batch a minute (a run has at most 500).
      await deleteRunEventsBefore(db, { before: new Date(Date.now() - RUN_EVENTS_KEPT_MS), limit: 10_000 });
      // Data exports whose queue job was lost are sent again.
      await resendStaleExports();
      // Threat-detection blocks that ended a day ago go (each is on the trail).
      await deleteEndedRequestBlocks(db, { before: new Date(Date.now() - 24 * 3600_000), limit: 10_000 });
      // Finished webhook deliveries (and their attempts) are kept for 30 days.
      await deleteWebhookDeliveriesBefore(db, {
        before: new Date(Date.now() - WEBHOOK_DELIVERIES_KEPT_MS),
        limit: 10_000,
      });
    },
    { immediately: true },
  );
  // PGlite has no autovacuum: without this its planner has no statistics (the dashboards'
  // plans degrade) and updated rows are never reclaimed. About 2 s a pass at a million
  // executions, table by table so requests wait at most about 0.9 s (docs/performance.md).
  if (!env.DATABASE_URL)
    repeat(
      "embedded-vacuum",
      EMBEDDED_VACUUM_INTERVAL_MS,
      async () => {
        await vacuumAnalyzeTables(await getDb());
      },
      { immediately: false },
    );
}
