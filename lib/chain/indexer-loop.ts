import { getDb, leadership } from "@/lib/db";
import { env } from "@/lib/env";
import { attesterAccount, runAttestation } from "@/lib/receipts/attest";
import { resolveChainConfig } from "./config";
import { metrics } from "@/lib/metrics/registry";
import { chainHead, indexPurchases, indexRatings, indexWithdrawals, revertReorganisedBlocks } from "./indexer";
import { repeat } from "@/lib/repeat";

const INDEX_INTERVAL_MS = 5_000;
/** Logs when this instance starts or stops doing a singleton job, and says whether it does it now. */
function leads(job: "indexer" | "attester", was: { leading: boolean | null }): boolean {
  const now = leadership(job).holds();
  if (now !== was.leading) {
    if (was.leading !== null || now)
      console.log(now ? `[${job}] this instance now runs the ${job}` : `[${job}] another instance runs the ${job}`);
    was.leading = now;
  }
  return now;
}

/**
 * Indexes new Purchased, Rated and Withdrawn events every few seconds, on the one instance
 * that leads the indexer (any instance may take over when it stops).
 */
export function startIndexerLoop(): void {
  const config = resolveChainConfig();
  if (!config) {
    console.log("[indexer] no chain configured: purchases and ratings are not indexed");
    return;
  }
  const state = { leading: null as boolean | null };
  repeat(
    "indexer",
    INDEX_INTERVAL_MS,
    async () => {
      if (!leads("indexer", state)) return;
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
      // How far behind the head this pass left the purchases (the confirmations, when current).
      const head = await chainHead(config);
      metrics().indexerLag.set(Number(head > bought.toBlock ? head - bought.toBlock : 0n));
    },
    { immediately: true },
  );
}

/**
 * Attests receipt batches every ATTEST_INTERVAL_SECONDS when a chain and an attester key
 * are configured, on the one instance that leads the attester (one key, so one sender of
 * its transactions: no nonce races). Batching is also guarded in the database and a root
 * already on-chain is recognised, should two ever overlap.
 */
export function startAttestationLoop(): void {
  if (env.ATTEST_INTERVAL_SECONDS === 0) return;
  const config = resolveChainConfig();
  const account = config ? attesterAccount() : null;
  if (!config || !account) {
    console.log("[attest] no chain or attester key configured: receipts are not attested");
    return;
  }
  const state = { leading: null as boolean | null };
  repeat(
    "attest",
    env.ATTEST_INTERVAL_SECONDS * 1000,
    async () => {
      if (!leads("attester", state)) return;
      const result = await runAttestation(await getDb(), config, account);
      if (result.attested) console.log(`[attest] attested ${result.attested} receipt batch(es)`);
    },
    { immediately: false },
  );
}
