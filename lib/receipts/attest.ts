import "server-only";
import { getContractEvents, prepareEvent, readContract, sendAndConfirmTransaction } from "thirdweb";
import { privateKeyToAccount, type Account } from "thirdweb/wallets";
import type { Hex } from "viem";
import type { Db } from "@/db/client";
import {
  createReceiptBatch,
  listAgentsWithUnbatchedReceipts,
  listUnattestedBatches,
  listUnbatchedReceipts,
  markBatchAttested,
} from "@/db/queries/receipt-batches";
import { reputationContract, thirdwebClient } from "@/lib/chain/client";
import type { ChainConfig } from "@/lib/chain/config";
import { prepareAttest } from "@/lib/chain/contracts";
import { anvilAccounts } from "@/lib/chain/dev-accounts";
import { toChainError } from "@/lib/chain/errors";
import { env } from "@/lib/env";
import { merkleRoot, receiptLeaf } from "./merkle";

const attestedEvent = prepareEvent({
  signature:
    "event Attested(uint256 indexed listingId, uint256 indexed batch, bytes32 receiptsRoot, uint64 runs, uint64 successes, uint32 p50LatencyMs, uint32 p99LatencyMs)",
});

/** The attester's account: ATTESTER_PRIVATE_KEY, or on `npm start`'s local chain its deployer (anvil #0). */
export function attesterAccount(): Account | null {
  const key = env.ATTESTER_PRIVATE_KEY ?? (env.CHAIN_RPC_URL ? undefined : anvilAccounts[0].privateKey);
  return key ? privateKeyToAccount({ client: thirdwebClient(), privateKey: key }) : null;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Groups finished, unbatched receipts of listed agents (API and demo runs; the creator's
 * playground runs are not attested) into batches of at most `maxPerBatch`, oldest first,
 * each with its Merkle root and statistics. Executions join a batch with a conditional
 * UPDATE, so two overlapping passes cannot put a receipt into two batches.
 */
export async function batchReceipts(
  db: Db,
  config: ChainConfig,
  options: { maxPerBatch?: number } = {},
): Promise<number> {
  const maxPerBatch = options.maxPerBatch ?? 1000;
  const pending = await listAgentsWithUnbatchedReceipts(db, { chainId: config.chainId });
  let created = 0;
  for (const { agentId, listingId } of pending) {
    for (;;) {
      const made = await db.transaction(async (tx) => {
        const rows = await listUnbatchedReceipts(tx, { agentId, limit: maxPerBatch });
        if (rows.length === 0) return false;
        const latencies = rows.map((r) => r.durationMs ?? 0).sort((a, b) => a - b);
        const root = merkleRoot(rows.map((r) => receiptLeaf(r.receiptHash!)));
        const assigned = await createReceiptBatch(tx, {
          batch: {
            agentId,
            chainId: config.chainId,
            contractAddress: config.reputation.toLowerCase(),
            listingId: listingId!,
            root,
            runs: rows.length,
            successes: rows.filter((r) => r.status === "succeeded").length,
            p50LatencyMs: percentile(latencies, 50),
            p99LatencyMs: percentile(latencies, 99),
          },
          executionIds: rows.map((r) => r.id),
        });
        if (!assigned) throw new Error("receipts were batched concurrently; retry");
        return true;
      });
      if (!made) break;
      created++;
    }
  }
  return created;
}

/**
 * Posts every unattested batch's root and statistics to AgentReputation from the
 * attester's account, and records the transaction. A batch whose root is already on-chain
 * (the process stopped after sending) is matched to its Attested event instead of being
 * sent again.
 */
export async function attestPendingBatches(
  db: Db,
  config: ChainConfig,
  account: Account,
): Promise<{ attested: number }> {
  const contract = reputationContract(config);
  const batches = await listUnattestedBatches(db, {
    chainId: config.chainId,
    contractAddress: config.reputation.toLowerCase(),
  });
  let attested = 0;
  for (const batch of batches) {
    const listingId = BigInt(batch.listingId);
    const root = batch.root as Hex;
    try {
      let txHash: string | null = null;
      const onChain = await readContract({ contract, method: "batchOfRoot", params: [listingId, root] });
      if (onChain === 0n) {
        const receipt = await sendAndConfirmTransaction({
          account,
          transaction: prepareAttest(contract, {
            listingId,
            runs: BigInt(batch.runs),
            successes: BigInt(batch.successes),
            p50LatencyMs: batch.p50LatencyMs,
            p99LatencyMs: batch.p99LatencyMs,
            receiptsRoot: root,
          }),
        });
        txHash = receipt.transactionHash;
      } else {
        const events = await getContractEvents({
          contract,
          events: [attestedEvent],
          fromBlock: config.startBlock,
          useIndexer: false,
        });
        txHash =
          events.find((e) => e.args.receiptsRoot.toLowerCase() === root.toLowerCase() && e.args.listingId === listingId)
            ?.transactionHash ?? null;
      }
      await markBatchAttested(db, { batchId: batch.id, txHash, at: new Date() });
      attested++;
    } catch (error) {
      throw toChainError(error);
    }
  }
  return { attested };
}

/** One attestation pass: batch new receipts, then attest every pending batch. */
export async function runAttestation(db: Db, config: ChainConfig, account: Account) {
  const batched = await batchReceipts(db, config);
  const { attested } = await attestPendingBatches(db, config, account);
  return { batched, attested };
}
