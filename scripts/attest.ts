/**
 * `npm run attest`: one attestation pass. Batches the receipts of finished API and demo
 * runs per agent into Merkle roots and posts each root with the batch's statistics to
 * AgentReputation from the attester's key. `npm start` runs the same pass on a timer.
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd());
const { openDb } = await import("@/db/client");
const { dataDir, env } = await import("@/lib/env");
const { resolveChainConfig } = await import("@/lib/chain/config");
const { attesterAccount, runAttestation } = await import("@/lib/receipts/attest");

const config = resolveChainConfig();
if (!config) {
  console.error(
    "No chain is configured: set CHAIN_RPC_URL, MARKETPLACE_ADDRESS and REPUTATION_ADDRESS, or run npm start once to deploy the local chain.",
  );
  process.exit(1);
}
const account = attesterAccount();
if (!account) {
  console.error("No attester key: set ATTESTER_PRIVATE_KEY to a key holding AgentReputation's ATTESTER_ROLE.");
  process.exit(1);
}
if (!env.DATABASE_URL) {
  // The embedded database belongs to one process at a time.
  const running = await fetch(`http://127.0.0.1:${env.PORT}/api/health`, { signal: AbortSignal.timeout(1000) }).then(
    (r) => r.ok,
    () => false,
  );
  if (running) {
    console.error(
      `npm start is using the embedded database in ${dataDir()}; it attests every ${env.ATTEST_INTERVAL_SECONDS} s by itself. Stop it first, or use Postgres (DATABASE_URL).`,
    );
    process.exit(1);
  }
}
const handle = await openDb(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: dataDir() });
try {
  const result = await runAttestation(handle.db, config, account);
  console.log(
    `[attest] ${result.batched} new batch(es); ${result.attested} attested on chain ${config.chainId} at ${config.reputation} from ${account.address}`,
  );
} finally {
  await handle.close();
}
