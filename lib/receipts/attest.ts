import { and, asc, eq, isNotNull, isNull, ne, sql } from "drizzle-orm";
import { getContractEvents, prepareEvent, readContract, sendAndConfirmTransaction } from "thirdweb";
import { privateKeyToAccount, type Account } from "thirdweb/wallets";
import type { Hex } from "viem";
import type { Db } from "@/db/client";
import { agents, executions, receiptBatches } from "@/db/schema";
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
  const pending = await db
    .selectDistinct({ agentId: executions.agentId, listingId: agents.listingId })
    .from(executions)
    .innerJoin(agents, eq(agents.id, executions.agentId))
    .where(
      and(
        isNull(executions.receiptBatchId),
        isNotNull(executions.receiptHash),
        ne(executions.status, "running"),
        ne(executions.source, "playground"),
        eq(agents.listingChainId, config.chainId),
        isNotNull(agents.listingId),
      ),
    );
  let created = 0;
  for (const { agentId, listingId } of pending) {
    for (;;) {
      const made = await db.transaction(async (tx) => {
        const rows = await tx
          .select({
            id: executions.id,
            receiptHash: executions.receiptHash,
            status: executions.status,
            durationMs: executions.durationMs,
          })
          .from(executions)
          .where(
            and(
              eq(executions.agentId, agentId),
              isNull(executions.receiptBatchId),
              isNotNull(executions.receiptHash),
              ne(executions.status, "running"),
              ne(executions.source, "playground"),
            ),
          )
          .orderBy(asc(executions.finishedAt), asc(executions.id))
          .limit(maxPerBatch);
        if (rows.length === 0) return false;
        const latencies = rows.map((r) => r.durationMs ?? 0).sort((a, b) => a - b);
        const root = merkleRoot(rows.map((r) => receiptLeaf(r.receiptHash!)));
        const [batch] = await tx
          .insert(receiptBatches)
          .values({
            agentId,
            chainId: config.chainId,
            contractAddress: config.reputation.toLowerCase(),
            listingId: listingId!,
            root,
            runs: rows.length,
            successes: rows.filter((r) => r.status === "succeeded").length,
            p50LatencyMs: percentile(latencies, 50),
            p99LatencyMs: percentile(latencies, 99),
          })
          .returning({ id: receiptBatches.id });
        const ids = `{${rows.map((r) => r.id).join(",")}}`;
        const assigned = await tx.execute(sql`
          update executions e set receipt_batch_id = ${batch!.id}, receipt_leaf_index = v.ord - 1
          from unnest(${ids}::uuid[]) with ordinality as v(id, ord)
          where e.id = v.id and e.receipt_batch_id is null`);
        const count =
          (assigned as { rowCount?: number; affectedRows?: number }).rowCount ??
          (assigned as { affectedRows?: number }).affectedRows;
        if (count !== rows.length) throw new Error("receipts were batched concurrently; retry");
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
  const batches = await db
    .select()
    .from(receiptBatches)
    .where(
      and(
        isNull(receiptBatches.attestedAt),
        eq(receiptBatches.chainId, config.chainId),
        eq(receiptBatches.contractAddress, config.reputation.toLowerCase()),
      ),
    )
    .orderBy(asc(receiptBatches.createdAt));
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
      await db
        .update(receiptBatches)
        .set({ txHash, attestedAt: new Date() })
        .where(and(eq(receiptBatches.id, batch.id), isNull(receiptBatches.attestedAt)));
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
