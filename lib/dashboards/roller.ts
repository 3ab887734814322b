import "server-only";
import type { Db } from "@/db/client";
import { rollUpQueuedRuns } from "@/db/queries/dashboards";
import { getDb } from "@/lib/db";
import { addPulses } from "@/lib/galaxy/pulses";
import { publish } from "@/lib/live/bus";
import { repeat } from "@/lib/repeat";

/** How often finished runs are added to the rollups: the dashboards' delay, at most, plus a refetch. */
export const ROLLUP_INTERVAL_MS = 1_000;
const BATCH = 5_000;

/**
 * Adds every queued finished run to the rollups, a batch at a time, and tells the open
 * dashboards of the creators and organisations concerned (lib/live/bus.ts) once their
 * numbers include the runs, and open galaxies which agents ran (lib/galaxy/pulses.ts). Returns how many runs it rolled up.
 */
export async function rollUpFinishedRuns(db: Db): Promise<number> {
  let total = 0;
  for (;;) {
    const { runs, audiences, agentIds } = await rollUpQueuedRuns(db, { maxRuns: BATCH });
    total += runs;
    for (const { ownerId, orgId } of audiences) publish({ kind: "run", ownerId, orgId });
    addPulses(agentIds);
    if (runs < BATCH) return total;
  }
}

/** Rolls finished runs up every second (several instances may: each run is taken once). */
export function startRollupLoop(): void {
  repeat("rollups", ROLLUP_INTERVAL_MS, async () => void (await rollUpFinishedRuns(await getDb())), {
    immediately: true,
  });
}
