import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { attesterAccount, runAttestation } from "@/lib/receipts/attest";
import { resolveChainConfig } from "./config";
import { indexPurchases, indexRatings } from "./indexer";

const INDEX_INTERVAL_MS = 5_000;
const started = new Set<string>();

/**
 * Runs `pass` every `intervalMs`, one pass at a time (a pass still running skips the
 * next tick), logging a failure at most once a minute. Once per process per `name`.
 */
function repeat(name: string, intervalMs: number, pass: () => Promise<void>, options: { immediately: boolean }): void {
  if (started.has(name)) return;
  started.add(name);
  let running = false;
  let lastErrorLog = 0;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await pass();
    } catch (error) {
      if (Date.now() - lastErrorLog > 60_000) {
        lastErrorLog = Date.now();
        console.warn(`[${name}] pass failed; retrying`, error instanceof Error ? error.message : error);
      }
    } finally {
      running = false;
    }
  };
  setInterval(() => void tick(), intervalMs).unref();
  if (options.immediately) void tick();
}

/** Indexes new Purchased and Rated events every few seconds. */
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
      const bought = await indexPurchases(db, config);
      if (bought.recorded) console.log(`[indexer] recorded ${bought.recorded} purchase(s), ${bought.creditsGranted} run credit(s)`);
      const rated = await indexRatings(db, config);
      if (rated.recorded) console.log(`[indexer] recorded ${rated.recorded} rating(s)`);
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
