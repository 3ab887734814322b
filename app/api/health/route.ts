import { getDbHandle } from "@/lib/db";
import { pingDatabase } from "@/db/queries/health";
import { countQuarantinedEvents } from "@/db/queries/purchases";
import { describeError } from "@/lib/log";

export const dynamic = "force-dynamic";

/**
 * Liveness and database reachability, for load balancers and the test harness, and for the
 * operator the number of chain events the indexer kept aside (details in the
 * `chain_event_quarantine` table and the log).
 */
export async function GET() {
  try {
    const handle = await getDbHandle();
    await pingDatabase(handle.db);
    return Response.json({
      status: "ok",
      database: handle.kind,
      quarantinedChainEvents: await countQuarantinedEvents(handle.db),
    });
  } catch (error) {
    console.error(`[health] database check failed: ${describeError(error)}`);
    return Response.json({ status: "error", database: "unreachable" }, { status: 503 });
  }
}
