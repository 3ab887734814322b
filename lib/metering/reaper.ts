import "server-only";
import type { Db } from "@/db/client";
import { listOverdueRuns } from "@/db/queries/runs";
import { failedOutcome, recordRunEnd } from "./record-end";

const BATCH = 200;

/**
 * Ends the runs left `running` past their deadline (their process died: a crash, a kill,
 * a deploy; or, accepted asynchronously, no worker took them in time) as failed with RUN_INTERRUPTED, a platform failure, so a charged run gets its
 * credit back. Through the same path as any run's end: a run is ended, and refunded, once,
 * even when several instances reap at the same time. Returns how many it ended.
 */
export async function reapOverdueRuns(db: Db, now = new Date()): Promise<number> {
  let ended = 0;
  for (;;) {
    const overdue = await listOverdueRuns(db, { now, limit: BATCH });
    const records = await Promise.all(
      overdue.map((run) =>
        recordRunEnd(
          db,
          { ...run, charged: true },
          failedOutcome(
            "RUN_INTERRUPTED",
            run.queued
              ? "No worker started the run in time. Its credit was returned."
              : "The run was interrupted by a platform restart before it finished. Its credit was returned.",
            Math.max(0, now.getTime() - run.startedAt.getTime()),
          ),
          now,
        ),
      ),
    );
    ended += records.length;
    if (overdue.length < BATCH) return ended;
  }
}
