import { queueBacklog } from "@/db/queries/queue";
import { resolveChainConfig } from "@/lib/chain/config";
import { getDbHandle, leadership } from "@/lib/db";
import { env } from "@/lib/env";
import { RUNS_QUEUE, WEBHOOKS_QUEUE } from "@/lib/queue/boss";
import { pingDatabase } from "@/db/queries/health";
import { countQuarantinedEvents } from "@/db/queries/purchases";
import { describeError } from "@/lib/log";

export const dynamic = "force-dynamic";

/**
 * Liveness and database reachability, for load balancers and the test harness; for the
 * operator the number of chain events the indexer kept aside (details in the
 * `chain_event_quarantine` table and the log), the run and webhook queues' backlogs, this
 * process's queue workers, and whether it is the instance running the indexer and the attester.
 */
export async function GET() {
  try {
    const handle = await getDbHandle();
    await pingDatabase(handle.db);
    const chain = resolveChainConfig() !== null;
    return Response.json({
      status: "ok",
      database: handle.kind,
      quarantinedChainEvents: await countQuarantinedEvents(handle.db),
      queue: await queueBacklog(handle.db, { queue: RUNS_QUEUE, now: new Date() }),
      webhookQueue: await queueBacklog(handle.db, { queue: WEBHOOKS_QUEUE, now: new Date() }),
      runWorkers: env.RUN_WORKERS,
      webhookWorkers: env.WEBHOOK_WORKERS,
      chain: chain ? "configured" : "none",
      leads: chain ? { indexer: leadership("indexer").holds(), attester: leadership("attester").holds() } : null,
    });
  } catch (error) {
    console.error(`[health] database check failed: ${describeError(error)}`);
    return Response.json({ status: "error", database: "unreachable" }, { status: 503 });
  }
}
