import { eth_blockNumber, getRpcClient } from "thirdweb/rpc";
import { getContractEvents, prepareEvent } from "thirdweb";
import type { Db } from "@/db/client";
import { advanceChainCursor, getChainCursor, recordPurchaseEvent } from "@/db/queries/purchases";
import { recordRatingEvent } from "@/db/queries/ratings";
import { chainOf, marketplaceContract, reputationContract, thirdwebClient } from "./client";
import type { ChainConfig } from "./config";
import { toChainError } from "./errors";

const purchasedEvent = prepareEvent({
  signature:
    "event Purchased(uint256 indexed purchaseId, uint256 indexed listingId, address indexed buyer, uint256 runs, uint256 amount, address token)",
});

const ratedEvent = prepareEvent({
  signature: "event Rated(uint256 indexed listingId, uint256 indexed purchaseId, address indexed buyer, uint8 score)",
});

export type RangeOptions = { toBlock?: bigint; batchSize?: bigint; fromBlock?: bigint };
export type IndexResult = {
  fromBlock: bigint;
  toBlock: bigint;
  events: number;
  recorded: number;
  creditsGranted: number;
};

type Log = { transactionHash: string; logIndex: number | bigint; blockNumber: bigint };

/**
 * Reads one contract's events from the block after its cursor up to `toBlock` (default:
 * the chain head) in batches, hands each to `record` (which must be idempotent), and
 * moves the cursor forward after each batch. Safe to run twice over the same range, or
 * concurrently: duplicates are ignored by unique (chain, tx, log) indexes, and the
 * cursor never moves back.
 */
async function scan<E extends Log>(
  db: Db,
  config: ChainConfig,
  contractAddress: string,
  options: RangeOptions,
  read: (fromBlock: bigint, toBlock: bigint) => Promise<E[]>,
  record: (event: E) => Promise<{ recorded: boolean; creditsGranted?: number }>,
): Promise<IndexResult> {
  try {
    let fromBlock = options.fromBlock;
    if (fromBlock === undefined) {
      const cursor = await getChainCursor(db, { chainId: config.chainId, contractAddress });
      fromBlock = cursor === undefined ? config.startBlock : cursor + 1n;
    }
    const head =
      options.toBlock ?? (await eth_blockNumber(getRpcClient({ client: thirdwebClient(), chain: chainOf(config) })));
    const result: IndexResult = { fromBlock, toBlock: head, events: 0, recorded: 0, creditsGranted: 0 };
    const batch = options.batchSize ?? 2_000n;
    for (let start = fromBlock; start <= head; start += batch) {
      const end = start + batch - 1n < head ? start + batch - 1n : head;
      for (const event of await read(start, end)) {
        const outcome = await record(event);
        result.events++;
        if (outcome.recorded) result.recorded++;
        result.creditsGranted += outcome.creditsGranted ?? 0;
      }
      await advanceChainCursor(db, { chainId: config.chainId, contractAddress, lastBlock: end });
    }
    return result;
  } catch (error) {
    throw toChainError(error);
  }
}

/** Records each `Purchased` event of the marketplace once and grants its run credits once. */
export async function indexPurchases(db: Db, config: ChainConfig, options: RangeOptions = {}): Promise<IndexResult> {
  const contract = marketplaceContract(config);
  return scan(
    db,
    config,
    config.marketplace,
    options,
    // useIndexer: false — read logs from our RPC, never from a hosted indexer.
    (fromBlock, toBlock) =>
      getContractEvents({ contract, events: [purchasedEvent], fromBlock, toBlock, useIndexer: false }),
    (event) =>
      db.transaction((tx) =>
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
      ),
  );
}

/** Records each `Rated` event of the reputation contract once, for search ranking and reviews. */
export async function indexRatings(db: Db, config: ChainConfig, options: RangeOptions = {}): Promise<IndexResult> {
  const contract = reputationContract(config);
  return scan(
    db,
    config,
    config.reputation,
    options,
    (fromBlock, toBlock) =>
      getContractEvents({ contract, events: [ratedEvent], fromBlock, toBlock, useIndexer: false }),
    (event) =>
      recordRatingEvent(db, {
        chainId: config.chainId,
        txHash: event.transactionHash,
        logIndex: Number(event.logIndex),
        blockNumber: event.blockNumber,
        listingId: event.args.listingId,
        purchaseId: event.args.purchaseId,
        rater: event.args.buyer,
        score: Number(event.args.score),
      }),
  );
}
