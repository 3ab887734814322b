import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { attesterAccount, runAttestation } from "@/lib/receipts/attest";
import { resolveChainConfig } from "./config";
import { indexPurchases, indexRatings, indexWithdrawals, revertReorganisedBlocks } from "./indexer";
import { repeat } from "@/lib/repeat";

const INDEX_INTERVAL_MS = 5_000;
/** Indexes new Purchased, Rated and Withdrawn events every few seconds. */
export function startIndexerLoop(): void {
  const config = resolveChainConfig();
  if (!config) {
    console.log("[indexer] no chain configured: purchases and ratings are not indexed");
    return;
  }
  repeat(
    "indexer",
    INDEX_INTERVAL_MS,
    async () => {
      const db = await getDb();
      await revertReorganisedBlocks(db, config);
      const bought = await indexPurchases(db, config);
      if (bought.quarantined) console.warn(`[indexer] ${bought.quarantined} purchase event(s) quarantined`);
      if (bought.recorded)
        console.log(`[indexer] recorded ${bought.recorded} purchase(s), ${bought.creditsGranted} run credit(s)`);
      const rated = await indexRatings(db, config);
      if (rated.recorded) console.log(`[indexer] recorded ${rated.recorded} rating(s)`);
      const withdrawn = await indexWithdrawals(db, config);
      if (withdrawn.recorded) console.log(`[indexer] recorded ${withdrawn.recorded} withdrawal(s)`);
    },
    { immediately: true },
  );
}

/**
 * Attests receipt batches every ATTEST_INTERVAL_SECONDS when a chain and an attester key
 * are configured. Batching is guarded in the database and a root already on-chain is
 * recognised, so overlapping instances do not double-attest.
 */
export function startAttestationLoop(): void {
  if (env.ATTEST_INTERVAL_SECONDS === 0) return;
  const config = resolveChainConfig();
  const account = config ? attesterAccount() : null;
  if (!config || !account) {
    console.log("[attest] no chain or attester key configured: receipts are not attested");
    return;
  }
  repeat(
    "attest",
    env.ATTEST_INTERVAL_SECONDS * 1000,
    async () => {
      const result = await runAttestation(await getDb(), config, account);
      if (result.attested) console.log(`[attest] attested ${result.attested} receipt batch(es)`);
    },
    { immediately: false },
  );
}
