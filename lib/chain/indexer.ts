import { eth_blockNumber, getRpcClient } from "thirdweb/rpc";
import { getContractEvents, prepareEvent } from "thirdweb";
import type { Db } from "@/db/client";
import { advanceChainCursor, getChainCursor, recordPurchaseEvent } from "@/db/queries/purchases";
import { chainOf, marketplaceContract, thirdwebClient } from "./client";
import type { ChainConfig } from "./config";
import { toChainError } from "./errors";

const purchasedEvent = prepareEvent({
  signature:
    "event Purchased(uint256 indexed purchaseId, uint256 indexed listingId, address indexed buyer, uint256 runs, uint256 amount, address token)",
});

export type IndexResult = { fromBlock: bigint; toBlock: bigint; events: number; recorded: number; creditsGranted: number };

/**
 * Reads `Purchased` events from the block after the cursor up to `toBlock` (default: the
 * chain head) and records each purchase and its credits once. Safe to run twice over the
 * same range, or concurrently: duplicates are ignored by the unique (chain, tx, log)
 * index, and the cursor only moves forward.
 */
export async function indexPurchases(db: Db, config: ChainConfig, options: { toBlock?: bigint; batchSize?: bigint; fromBlock?: bigint } = {}): Promise<IndexResult> {
  const contract = marketplaceContract(config);
  try {
    let fromBlock = options.fromBlock;
    if (fromBlock === undefined) {
      const cursor = await getChainCursor(db, { chainId: config.chainId, contractAddress: config.marketplace });
      fromBlock = cursor === undefined ? config.startBlock : cursor + 1n;
    }
    const head =
      options.toBlock ?? (await eth_blockNumber(getRpcClient({ client: thirdwebClient(), chain: chainOf(config) })));
    const result: IndexResult = { fromBlock, toBlock: head, events: 0, recorded: 0, creditsGranted: 0 };
    const batch = options.batchSize ?? 2_000n;
    for (let start = fromBlock; start <= head; start += batch) {
      const end = start + batch - 1n < head ? start + batch - 1n : head;
      // useIndexer: false — read logs from our RPC, never from a hosted indexer.
      const events = await getContractEvents({ contract, events: [purchasedEvent], fromBlock: start, toBlock: end, useIndexer: false });
      for (const event of events) {
        const outcome = await db.transaction((tx) =>
          recordPurchaseEvent(tx, {
            chainId: config.chainId,
            txHash: event.transactionHash,
            logIndex: Number(event.logIndex),
            blockNumber: event.blockNumber,
            purchaseId: event.args.purchaseId,
            listingId: event.args.listingId,
            buyer: event.args.buyer,
            runs: event.args.runs,
            amount: event.args.amount,
            token: event.args.token,
          }),
        );
        result.events++;
        if (outcome.recorded) result.recorded++;
        result.creditsGranted += outcome.creditsGranted;
      }
      await advanceChainCursor(db, { chainId: config.chainId, contractAddress: config.marketplace, lastBlock: end });
    }
    return result;
  } catch (error) {
    throw toChainError(error);
  }
}
