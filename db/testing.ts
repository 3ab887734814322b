/**
 * Test support: the database backends a suite runs against. PGlite (in memory) always;
 * Postgres too when TEST_DATABASE_URL is set or a server answers on 127.0.0.1:5432.
 * Each Postgres suite gets a database of its own, dropped afterwards.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDb, type DbHandle } from "./client";
import { runMigrations } from "./migrate";

const LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/test";

export type TestBackend = { name: "pglite" | "postgres"; open(): Promise<DbHandle> };

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_500 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function openPostgres(adminUrl: string): Promise<DbHandle> {
  const name = `ainomads_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const handle = await openDb({ url: withDatabase(adminUrl, name) });
  await runMigrations(handle);
  return {
    ...handle,
    async close() {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      try {
        // Closed pool connections can take a moment to leave the server; wait for them
        // rather than terminating them (a terminated client reports an error).
        for (let attempt = 0; ; attempt++) {
          try {
            await cleanup.query(`drop database if exists ${name}`);
            break;
          } catch (error) {
            if ((error as { code?: string }).code !== "55006" || attempt >= 50) throw error;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      } finally {
        await cleanup.end();
      }
    },
  };
}

let cached: Promise<TestBackend[]> | undefined;

export function testBackends(): Promise<TestBackend[]> {
  cached ??= (async () => {
    const backends: TestBackend[] = [
      {
        name: "pglite",
        async open() {
          const handle = await openDb({ memory: true });
          await runMigrations(handle);
          return handle;
        },
      },
    ];
    const explicit = process.env.TEST_DATABASE_URL;
    const url = explicit || LOCAL_POSTGRES;
    if (await reachable(url)) {
      backends.push({ name: "postgres", open: () => openPostgres(url) });
    } else if (explicit) {
      throw new Error(`TEST_DATABASE_URL is set but ${url} is not reachable`);
    } else if (process.env.CI) {
      console.warn(`[db tests] no Postgres on ${LOCAL_POSTGRES}: running on PGlite only`);
    }
    return backends;
  })();
  return cached;
}

/** The Postgres the database suite runs against, or null when there is none (PGlite only). */
export async function testPostgresUrl(): Promise<string | null> {
  const backends = await testBackends();
  return backends.some((b) => b.name === "postgres") ? process.env.TEST_DATABASE_URL || LOCAL_POSTGRES : null;
}
