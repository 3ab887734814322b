import { and, asc, eq, gt, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { runEvents } from "../schema";

export type RunEventRow = { seq: number; type: string; data: unknown };

/** Appends a run's events; an event already there (the same seq) is left as it is. */
export async function appendRunEvents(db: Db, executionId: string, events: RunEventRow[]): Promise<void> {
  if (!events.length) return;
  await db
    .insert(runEvents)
    .values(events.map((e) => ({ executionId, seq: e.seq, type: e.type, data: e.data })))
    .onConflictDoNothing();
}

/** A run's events after `afterSeq`, in order, at most `limit`. */
export async function listRunEvents(db: Db, params: { executionId: string; afterSeq: number; limit: number }) {
  return db
    .select({ seq: runEvents.seq, type: runEvents.type, data: runEvents.data })
    .from(runEvents)
    .where(and(eq(runEvents.executionId, params.executionId), gt(runEvents.seq, params.afterSeq)))
    .orderBy(asc(runEvents.seq))
    .limit(params.limit);
}

/** Deletes up to `limit` events written before `before`; returns how many. */
export async function deleteRunEventsBefore(db: Db, params: { before: Date; limit: number }): Promise<number> {
  const deleted = await db
    .delete(runEvents)
    .where(
      sql`(${runEvents.executionId}, ${runEvents.seq}) in (select execution_id, seq from run_events where ${lt(runEvents.createdAt, params.before)} limit ${params.limit})`,
    )
    .returning({ seq: runEvents.seq });
  return deleted.length;
}
