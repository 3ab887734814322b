import { getDb } from "@/db/client";
import { resolveChainConfig } from "./config";
import { indexPurchases, indexRatings } from "./indexer";

const INTERVAL_MS = 5_000;
let started = false;

/** Indexes new Purchased and Rated events every few seconds, one pass at a time. */
export function startIndexerLoop(): void {
  if (started) return;
  const config = resolveChainConfig();
  if (!config) {
    console.log("[indexer] no chain configured: purchases and ratings are not indexed");
    return;
  }
  started = true;
  let running = false;
  let lastErrorLog = 0;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const db = await getDb();
      const bought = await indexPurchases(db, config);
      if (bought.recorded) console.log(`[indexer] recorded ${bought.recorded} purchase(s), ${bought.creditsGranted} run credit(s)`);
      const rated = await indexRatings(db, config);
      if (rated.recorded) console.log(`[indexer] recorded ${rated.recorded} rating(s)`);
    } catch (error) {
      if (Date.now() - lastErrorLog > 60_000) {
        lastErrorLog = Date.now();
        console.warn("[indexer] pass failed; retrying", error instanceof Error ? error.message : error);
      }
    } finally {
      running = false;
    }
  };
  setInterval(() => void tick(), INTERVAL_MS).unref();
  void tick();
}
