import { and, gt, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { authThrottles } from "../schema";

/** The latest time any of `keys` is blocked until, if one is blocked at `now`. */
export async function throttledUntil(db: Db, params: { keys: string[]; now: Date }): Promise<Date | null> {
  const [row] = await db
    .select({ until: sql<Date | null>`max(${authThrottles.blockedUntil})` })
    .from(authThrottles)
    .where(and(inArray(authThrottles.key, params.keys), gt(authThrottles.blockedUntil, params.now)));
  return row?.until ? new Date(row.until) : null;
}

/**
 * Counts one event for `key` in one statement. A key whose window (`windowMs`) has passed
 * starts again at 1. Past `allowed` events in the window the key is blocked: until the
 * window ends ("window"), or for 2^(count - allowed - 1) seconds capped at `maxBlockMs`
 * ("backoff"). Returns the new count and block.
 */
export async function countThrottleEvent(
  db: Db,
  params: { key: string; now: Date; allowed: number; windowMs: number; mode: "window" | "backoff"; maxBlockMs: number },
): Promise<{ count: number; blockedUntil: Date | null }> {
  const now = params.now.toISOString();
  const windowOver = sql`t.window_start <= ${now}::timestamptz - ${params.windowMs} * interval '1 millisecond'`;
  const count = sql`case when ${windowOver} then 1 else t.count + 1 end`;
  const windowStart = sql`case when ${windowOver} then ${now}::timestamptz else t.window_start end`;
  const block =
    params.mode === "window"
      ? sql`${windowStart} + ${params.windowMs} * interval '1 millisecond'`
      : sql`${now}::timestamptz + least(power(2, least(${count} - ${params.allowed} - 1, 30)) * 1000, ${params.maxBlockMs}) * interval '1 millisecond'`;
  const rows = await db.execute(sql`
    insert into auth_throttles as t (key, count, window_start, blocked_until)
    values (${params.key}, 1, ${now}::timestamptz, case when ${params.allowed} < 1 then ${now}::timestamptz + ${params.windowMs} * interval '1 millisecond' end)
    on conflict (key) do update set
      count = ${count},
      window_start = ${windowStart},
      blocked_until = case when ${count} > ${params.allowed} then ${block} else t.blocked_until end
    returning count, blocked_until`);
  const row = (rows as unknown as { rows: Record<string, unknown>[] }).rows[0] as {
    count: number;
    blocked_until: string | Date | null;
  };
  return { count: Number(row.count), blockedUntil: row.blocked_until ? new Date(row.blocked_until) : null };
}

/** Forgets `key` (an account's failures after it signs in). */
export async function clearThrottle(db: Db, params: { key: string }) {
  await db.delete(authThrottles).where(inArray(authThrottles.key, [params.key]));
}

/** Housekeeping: drops keys whose window started before `before` and that are not blocked. */
export async function pruneThrottles(db: Db, params: { before: Date }) {
  await db
    .delete(authThrottles)
    .where(
      and(
        lt(authThrottles.windowStart, params.before),
        sql`(${authThrottles.blockedUntil} is null or ${authThrottles.blockedUntil} < ${params.before})`,
      ),
    );
}
