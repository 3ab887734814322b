import { sql } from "drizzle-orm";
import type { Db } from "../client";

/** Round-trips one query; throws when the database is unreachable. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}

/**
 * Vacuums and analyzes every table of the schema, one at a time: what Postgres' autovacuum
 * does, for PGlite, which has none (without it the planner has no statistics and updated
 * rows are never reclaimed). One table per statement, so other queries run in between.
 * Returns how many tables it did.
 */
export async function vacuumAnalyzeTables(db: Db): Promise<number> {
  const tables = (await db.execute(sql`
    select c.relname from pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
    order by c.relname`)) as unknown as { rows: { relname: string }[] };
  for (const { relname } of tables.rows) await db.execute(sql`vacuum (analyze) ${sql.identifier(relname)}`);
  return tables.rows.length;
}
