import { sql } from "drizzle-orm";
import type { Db } from "../client";

/** Round-trips one query; throws when the database is unreachable. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}
