/**
 * `npm run erasures:reapply`: after restoring a database backup, applies again every erasure
 * in the erasure log (ERASURE_LOG, default DATA_DIR/erasures.log) that the restored data
 * does not show, so an erased account stays erased. Safe to run any number of times.
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd());
const { env, dataDir } = await import("@/lib/env");
const { openDb } = await import("@/db/client");
const { runMigrations } = await import("@/db/migrate");
const { reapplyErasures, erasureLogFile } = await import("@/lib/data/erasure");
const handle = await openDb(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: dataDir() });
try {
  await runMigrations(handle);
  const result = await reapplyErasures(handle.db, erasureLogFile());
  console.log(
    `[erasures] ${result.logged} logged in ${erasureLogFile()}, ${result.reapplied} applied again` +
      (result.skipped ? `, ${result.skipped} unreadable line(s) skipped` : ""),
  );
} finally {
  await handle.close();
}
