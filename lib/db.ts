import "server-only";
import { openDb, type Db, type DbHandle } from "@/db/client";
import { postgresLeadership, soleLeadership, type Leadership } from "@/db/leadership";
import { dataDir, env } from "@/lib/env";

const globalForDb = globalThis as unknown as { __aiNomadsDb?: Promise<DbHandle> };

/**
 * The application's database, opened once per process from the environment
 * (DATABASE_URL, else PGlite under DATA_DIR). Kept on globalThis so that dev-mode
 * module reloads do not open a second PGlite on the same files.
 */
export function getDbHandle(): Promise<DbHandle> {
  if (!globalForDb.__aiNomadsDb) {
    globalForDb.__aiNomadsDb = openDb(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: dataDir() });
    globalForDb.__aiNomadsDb.catch(() => {
      globalForDb.__aiNomadsDb = undefined;
    });
  }
  return globalForDb.__aiNomadsDb;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

const globalForLeaders = globalThis as unknown as { __aiNomadsLeaders?: Map<string, Leadership> };

/**
 * This process's leadership of a singleton job among all instances sharing the database
 * (db/leadership.ts): a Postgres advisory lock with DATABASE_URL; with PGlite, the one
 * process that opened it.
 */
export function leadership(job: "indexer" | "attester"): Leadership {
  globalForLeaders.__aiNomadsLeaders ??= new Map();
  let held = globalForLeaders.__aiNomadsLeaders.get(job);
  if (!held) {
    held = env.DATABASE_URL ? postgresLeadership(env.DATABASE_URL, job) : soleLeadership();
    globalForLeaders.__aiNomadsLeaders.set(job, held);
  }
  return held;
}
