import { getDb } from "@/db/client";
import { resolveChainConfig } from "./config";
import { env } from "@/lib/env";
import { attesterAccount, runAttestation } from "@/lib/receipts/attest";
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

let attesting = false;

/**
 * Attests receipt batches every ATTEST_INTERVAL_SECONDS when a chain and an attester key
 * are configured. Batching is guarded in the database and a root already on-chain is
 * recognised, so overlapping instances do not double-attest.
 */
export function startAttestationLoop(): void {
  if (attesting || env.ATTEST_INTERVAL_SECONDS === 0) return;
  const config = resolveChainConfig();
  const account = config ? attesterAccount() : null;
  if (!config || !account) {
    console.log("[attest] no chain or attester key configured: receipts are not attested");
    return;
  }
  attesting = true;
  let running = false;
  let lastErrorLog = 0;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const result = await runAttestation(await getDb(), config, account);
      if (result.attested) console.log(`[attest] attested ${result.attested} receipt batch(es)`);
    } catch (error) {
      if (Date.now() - lastErrorLog > 60_000) {
        lastErrorLog = Date.now();
        console.warn("[attest] pass failed; retrying", error instanceof Error ? error.message : error);
      }
    } finally {
      running = false;
    }
  };
  setInterval(() => void tick(), env.ATTEST_INTERVAL_SECONDS * 1000).unref();
}
