/**
 * Rebuilds the dashboard rollups exactly from the recorded executions
 * (db/functions/07_rebuild_run_rollups.sql): `npm run rollups:rebuild`. On Postgres it can
 * run while the app serves (runs ending meanwhile wait for it); the embedded PGlite database
 * belongs to one process, so stop `npm start` first.
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd());
const { openDb } = await import("@/db/client");
const { runMigrations } = await import("@/db/migrate");
const { rebuildRunRollups } = await import("@/db/queries/dashboards");
const { dataDir, env } = await import("@/lib/env");

const handle = await openDb(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: dataDir() });
try {
  await runMigrations(handle);
  const started = performance.now();
  const read = await rebuildRunRollups(handle.db);
  console.log(
    `[rollups] rebuilt from ${read.toLocaleString("en")} executions in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  await handle.close();
}
