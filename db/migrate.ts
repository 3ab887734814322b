import { sql } from "drizzle-orm";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { rebuildRunRollupsIfMissing } from "./queries/dashboards";
import { fileURLToPath } from "node:url";
import type { DbHandle } from "./client";

const here = path.dirname(fileURLToPath(import.meta.url));
const migrationsFolder = path.join(here, "migrations");
const functionsFolder = path.join(here, "functions");

/**
 * Applies the committed drizzle-kit migrations that have not run yet, then the current
 * source of every PL/pgSQL function (db/functions/*.sql, `create or replace`, in file-name
 * order). A function's source lives in that one file: changing it changes every database
 * at its next start, with no copy of the whole body in a migration.
 */
export async function runMigrations(handle: DbHandle): Promise<void> {
  if (handle.kind === "postgres") {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator wants the concrete driver type
    await migratePg(handle.db as any, { migrationsFolder });
  } else {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await migratePglite(handle.db as any, { migrationsFolder });
  }
  const files = readdirSync(functionsFolder)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  await handle.db.transaction(async (tx) => {
    // Several app instances may start at once; one applies the functions at a time.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('ai-nomads:db-functions'))`);
    for (const file of files) await tx.execute(sql.raw(readFileSync(path.join(functionsFolder, file), "utf8")));
  });
  // A database from before the dashboard rollups gets them once, from its executions.
  const rebuilt = await rebuildRunRollupsIfMissing(handle.db);
  if (rebuilt !== null) console.log(`[migrate] run rollups built from ${rebuilt} executions`);
}
