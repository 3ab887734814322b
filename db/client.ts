import "server-only";
import type { PGlite } from "@electric-sql/pglite";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import path from "node:path";
import pg from "pg";
import { PGliteThread } from "./pglite-thread";
import * as schema from "./schema";

type Schema = typeof schema;

/** A Drizzle database or transaction; every query function takes one of these. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export interface DbHandle {
  db: Db;
  kind: "pglite" | "postgres";
  /**
   * Raw SQL for libraries that bring their own (pg-boss): parameterised SQL as one
   * statement; SQL without parameters may hold several (PGlite's exec: its prepared
   * statements refuse more than one command).
   */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  close(): Promise<void>;
}

export type DbTarget = { url: string } | { dataDir: string } | { memory: true };

/**
 * Opens a database: Postgres when a URL is given, otherwise embedded PGlite (in a worker
 * thread) with its files in `dataDir/pglite` (or in memory, for tests).
 */
export async function openDb(target: DbTarget): Promise<DbHandle> {
  if ("url" in target) {
    const pool = new pg.Pool({ connectionString: target.url, max: 10 });
    // An idle connection can die (server restart, failover); without a listener that
    // error would crash the process. The pool replaces the connection on next use.
    pool.on("error", (error) => console.error("[db] idle Postgres connection failed:", error.message));
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    return {
      db,
      kind: "postgres",
      executeSql: async (text, values = []) => ({ rows: (await pool.query(text, values)).rows }),
      close: () => pool.end(),
    };
  }
  // PGlite runs in a worker thread (db/pglite-thread.ts); Drizzle's PGlite driver talks to it
  // through the same query/exec/transaction calls it makes on a PGlite instance.
  const client = new PGliteThread("memory" in target ? null : path.join(target.dataDir, "pglite"));
  await client.waitReady;
  const db = drizzlePglite({ client: client as unknown as PGlite, schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    executeSql: async (text, values = []) => {
      if (values.length) return { rows: (await client.query(text, values)).rows as Record<string, unknown>[] };
      const results = await client.exec(text);
      return { rows: (results.at(-1)?.rows ?? []) as Record<string, unknown>[] };
    },
    close: () => client.close(),
  };
}
