import { sql } from "drizzle-orm";
import type { Db } from "../client";

/** Round-trips one query; throws when the database is unreachable. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}

/**
 * Vacuums and analyzes every table (the product's and pg-boss' queue), one at a time: what
 * Postgres' autovacuum does, for PGlite, which has none (without it the planner has no
 * statistics and updated rows are never reclaimed). One table per statement, so other
 * queries run in between. Returns how many tables it did.
 */
export async function vacuumAnalyzeTables(db: Db): Promise<number> {
  const tables = (await db.execute(sql`
    select n.nspname as schema, c.relname as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')
      and n.nspname not like 'pg\_%'
    order by 1, 2`)) as unknown as { rows: { schema: string; name: string }[] };
  for (const { schema, name } of tables.rows)
    await db.execute(sql`vacuum (analyze) ${sql.identifier(schema)}.${sql.identifier(name)}`);
  return tables.rows.length;
}
