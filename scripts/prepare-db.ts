import { openDb } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { seedDemoData } from "@/scripts/seed/seed";
import { dataDir, env } from "@/lib/env";

/** Applies migrations and seeds the demo data once. Closes the database afterwards. */
export async function prepareDatabase(): Promise<void> {
  const handle = await openDb(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: dataDir() });
  try {
    await runMigrations(handle);
    console.log(`[db] ${handle.kind}: migrations applied`);
    if (env.SEED_DEMO_DATA) {
      const { seeded } = await seedDemoData(handle.db);
      console.log(seeded ? "[db] demo data seeded" : "[db] demo data already present");
    }
  } finally {
    await handle.close();
  }
}
