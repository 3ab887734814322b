import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { rowsOf } from "./raw-rows";

/**
 * Jobs waiting in a pg-boss queue (created or retrying) and the age of the oldest, read
 * from pg-boss's own tables (schema `pgboss`); null before pg-boss has created them.
 */
export async function queueBacklog(db: Db, params: { queue: string; now: Date }) {
  try {
    const result = await db.execute(sql`
      select count(*)::int as waiting,
             coalesce(extract(epoch from (${params.now.toISOString()}::timestamptz - min(created_on))), 0)::float8 as oldest_seconds
      from pgboss.job
      where name = ${params.queue} and state in ('created', 'retry')`);
    const [row] = rowsOf(result);
    return { waiting: Number(row?.waiting ?? 0), oldestSeconds: Math.max(0, Number(row?.oldest_seconds ?? 0)) };
  } catch {
    return null;
  }
}
