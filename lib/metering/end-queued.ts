import "server-only";
import type { Db } from "@/db/client";
import { takeQueuedRun } from "@/db/queries/runs";
import { failedOutcome, recordRunEnd, type ExecutionRecord } from "./record-end";
import { runDeadline } from "./start-run";

/**
 * Ends a queued run without running it (cancelled, or the queue could not take it): takes
 * it off the queue (only the organisation's own, when `orgId` is given) and records it
 * failed with `errorCode`, refunded per refund-policy.ts. Undefined when it was no longer
 * queued: a worker or another call got it first.
 */
export async function endQueuedRun(
  db: Db,
  params: { executionId: string; orgId?: string; errorCode: string; errorMessage: string; now?: Date },
): Promise<ExecutionRecord | undefined> {
  const now = params.now ?? new Date();
  const taken = await takeQueuedRun(db, {
    executionId: params.executionId,
    now,
    deadlineAt: runDeadline(null, now),
    orgId: params.orgId,
  });
  if (!taken) return undefined;
  return recordRunEnd(db, { ...taken, charged: true }, failedOutcome(params.errorCode, params.errorMessage), now);
}
