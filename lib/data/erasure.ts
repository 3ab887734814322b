import "server-only";
import path from "node:path";
import type { Db } from "@/db/client";
import { accountState, eraseAccount } from "@/db/queries/erasure";
import { dataDir, env } from "@/lib/env";
import { appendErasure, readErasureLog } from "./erasure-log";

/** The erasure log's path: ERASURE_LOG, or DATA_DIR/erasures.log. */
export function erasureLogFile(): string {
  return env.ERASURE_LOG ?? path.join(dataDir(), "erasures.log");
}

/** Erases an account (db/queries/erasure.ts) in one transaction, then writes it to the erasure log. */
export async function eraseAccountAndLog(db: Db, userId: string, now = new Date(), logFile = erasureLogFile()) {
  const result = await db.transaction((tx) => eraseAccount(tx, { userId, now }));
  if (result.ok) appendErasure(logFile, { userId, erasedAt: now.toISOString() });
  return result;
}

/**
 * Applies every logged erasure again (after a restore from a backup older than some of
 * them): an account the database shows as not erased is erased once more, with `force` (it
 * was allowed when it happened). Accounts the backup does not hold are skipped. Returns how
 * many were erased again.
 */
export async function reapplyErasures(db: Db, logFile = erasureLogFile()) {
  const { erasures, skipped } = readErasureLog(logFile);
  let reapplied = 0;
  for (const erasure of erasures) {
    const done = await db.transaction(async (tx) => {
      if ((await accountState(tx, { userId: erasure.userId })) !== "active") return false;
      await eraseAccount(tx, { userId: erasure.userId, now: new Date(erasure.erasedAt), force: true });
      return true;
    });
    if (done) reapplied++;
  }
  return { logged: erasures.length, reapplied, skipped };
}
