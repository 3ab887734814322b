import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DbHandle } from "./client";

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/** Applies the committed drizzle-kit migrations that have not run yet. */
export async function runMigrations(handle: DbHandle): Promise<void> {
  if (handle.kind === "postgres") {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator wants the concrete driver type
    await migratePg(handle.db as any, { migrationsFolder });
  } else {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await migratePglite(handle.db as any, { migrationsFolder });
  }
}
