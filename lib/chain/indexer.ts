import { eth_blockNumber, eth_getBlockByNumber, getRpcClient } from "thirdweb/rpc";
import { getContractEvents, prepareEvent } from "thirdweb";
import type { Db } from "@/db/client";
import {
  advanceChainCursor,
  getChainCursor,
  listRecentEventBlocks,
  quarantineChainEvent,
  recordPurchaseEvent,
  revertPurchasesInBlocks,
  rewindChainCursor,
} from "@/db/queries/purchases";
import { recordRatingEvent, revertRatingsInBlocks } from "@/db/queries/ratings";
import { recordWithdrawalEvent, revertWithdrawalsInBlocks } from "@/db/queries/withdrawals";
import { publish } from "@/lib/live/bus";
import { describeError } from "@/lib/log";
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

const withdrawnEvent = prepareEvent({
  signature: "event Withdrawn(address indexed account, address indexed token, uint256 amount)",
});

/**
 * The cursor of the marketplace's `Withdrawn` events: their own, so a database indexed
 * before withdrawals were reads them from the start block without reading purchases again.
 */
export const withdrawalsCursor = (config: ChainConfig) => `${config.marketplace.toLowerCase()}#Withdrawn`;

export type RangeOptions = { toBlock?: bigint; batchSize?: bigint; fromBlock?: bigint };
export type IndexResult = {
  fromBlock: bigint;
  toBlock: bigint;
  events: number;
  recorded: number;
  creditsGranted: number;
  /** Events that could not be applied and were kept aside with their reason. */
  quarantined: number;
};

type Log = {
  transactionHash: string;
  logIndex: number | bigint;
  blockNumber: bigint;
  blockHash?: string;
  eventName?: string;
  args: Record<string, unknown>;
};

const rpcOf = (config: ChainConfig) => getRpcClient({ client: thirdwebClient(), chain: chainOf(config) });

/** A call to the chain, its failure a chain error (the database's own errors pass through as they are). */
async function onChain<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toChainError(error);
  }
}

/** The chain's newest block. */
export function chainHead(config: ChainConfig): Promise<bigint> {
  return onChain(() => eth_blockNumber(rpcOf(config)));
}

/** The newest block whose events count: the head less the configured confirmations. */
export async function confirmedHead(config: ChainConfig): Promise<bigint> {
  const head = await chainHead(config);
  const confirmed = head - BigInt(config.confirmations ?? 0);
  return confirmed < 0n ? -1n : confirmed;
}

const jsonArgs = (args: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(args).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]));

/**
 * Reads one contract's events from the block after its cursor up to `toBlock` (default:
 * the confirmed head) in batches, hands each to `record` (which must be idempotent), and
 * moves the cursor forward after each batch. An event `record` cannot apply is kept in
 * quarantine with its reason and the cursor moves on: one bad event never halts indexing.
 * Safe to run twice over the same range, or concurrently: duplicates are ignored by
 * unique (chain, tx, log) indexes, and the cursor never moves back here.
 */
async function scan<E extends Log>(
  db: Db,
  config: ChainConfig,
  contractAddress: string,
  options: RangeOptions,
  read: (fromBlock: bigint, toBlock: bigint) => Promise<E[]>,
  record: (event: E) => Promise<{ recorded: boolean; creditsGranted?: number }>,
): Promise<IndexResult> {
  let fromBlock = options.fromBlock;
  if (fromBlock === undefined) {
    const cursor = await getChainCursor(db, { chainId: config.chainId, contractAddress });
    fromBlock = cursor === undefined ? config.startBlock : cursor + 1n;
  }
  const head = options.toBlock ?? (await confirmedHead(config));
  const result: IndexResult = { fromBlock, toBlock: head, events: 0, recorded: 0, creditsGranted: 0, quarantined: 0 };
  const batch = options.batchSize ?? 2_000n;
  for (let start = fromBlock; start <= head; start += batch) {
    const end = start + batch - 1n < head ? start + batch - 1n : head;
    // thirdweb's eth_getLogs drops a fromBlock of 0n (falsy), which then means "latest";
    // the genesis block holds no logs, so reading from block 1 loses nothing.
    for (const event of await onChain(() => read(start === 0n ? 1n : start, end))) {
      result.events++;
      try {
        const outcome = await record(event);
        if (outcome.recorded) result.recorded++;
        result.creditsGranted += outcome.creditsGranted ?? 0;
      } catch (error) {
        const reason = describeError(error);
        await quarantineChainEvent(db, {
          chainId: config.chainId,
          contractAddress,
          eventName: event.eventName ?? "unknown",
          txHash: event.transactionHash,
          logIndex: Number(event.logIndex),
          blockNumber: event.blockNumber,
          args: jsonArgs(event.args),
          reason,
        });
        result.quarantined++;
        console.warn(
          `[indexer] ${event.eventName ?? "event"} ${event.transactionHash}:${event.logIndex} quarantined: ${reason}`,
        );
      }
    }
    await advanceChainCursor(db, { chainId: config.chainId, contractAddress, lastBlock: end });
  }
  return result;
}

/** Blocks checked for reorganisations behind the head on each pass. */
const REORG_WINDOW = 128n;

/**
 * Takes back purchases, ratings and withdrawals whose block is no longer on the chain (a
 * reorganisation): a block seen with one hash now has another, or is past the head. Their
 * purchases' unused credits are withdrawn, their ratings leave reputation, their
 * withdrawals leave the earnings, and every cursor goes back so the new blocks are read
 * again. Returns how many of each were reverted.
 */
export async function revertReorganisedBlocks(
  db: Db,
  config: ChainConfig,
): Promise<{ purchases: number; ratings: number; withdrawals: number }> {
  const rpc = rpcOf(config);
  const head = await onChain(() => eth_blockNumber(rpc));
  const seen = await listRecentEventBlocks(db, {
    chainId: config.chainId,
    fromBlock: head > REORG_WINDOW ? head - REORG_WINDOW : 0n,
  });
  const gone = new Set<bigint>();
  for (const { blockNumber, blockHash } of seen) {
    // An RPC failure aborts the pass (it throws): only a block that is really different counts.
    const block = blockNumber > head ? null : await onChain(() => eth_getBlockByNumber(rpc, { blockNumber }));
    if (!block || block.hash?.toLowerCase() !== blockHash) gone.add(blockNumber);
  }
  if (!gone.size) return { purchases: 0, ratings: 0, withdrawals: 0 };
  const blockNumbers = [...gone];
  const lowest = blockNumbers.reduce((a, b) => (a < b ? a : b));
  const reverted = await db.transaction(async (tx) => {
    const purchases = await revertPurchasesInBlocks(tx, { chainId: config.chainId, blockNumbers });
    const ratings = await revertRatingsInBlocks(tx, { chainId: config.chainId, blockNumbers });
    const withdrawals = await revertWithdrawalsInBlocks(tx, { chainId: config.chainId, blockNumbers });
    for (const contractAddress of [config.marketplace, config.reputation, withdrawalsCursor(config)]) {
      await rewindChainCursor(tx, { chainId: config.chainId, contractAddress, lastBlock: lowest - 1n });
    }
    return { purchases, ratings, withdrawals };
  });
  console.warn(
    `[indexer] a reorganisation removed block(s) ${blockNumbers.join(", ")}: ` +
      `${reverted.purchases} purchase(s), ${reverted.ratings} rating(s) and ${reverted.withdrawals} withdrawal(s) reverted`,
  );
  return reverted;
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
    async (event) => {
      const outcome = await db.transaction((tx) =>
        recordPurchaseEvent(tx, {
          chainId: config.chainId,
          txHash: event.transactionHash,
          logIndex: Number(event.logIndex),
          blockNumber: event.blockNumber,
          blockHash: event.blockHash,
          purchaseId: event.args.purchaseId,
          listingId: event.args.listingId,
          buyer: event.args.buyer,
          runs: event.args.runs,
          amount: event.args.amount,
          token: event.args.token,
        }),
      );
      if (outcome.recorded || outcome.creditsGranted) publishPurchase(outcome);
      return outcome;
    },
  );
}

/** Tells the open dashboards about a committed purchase (lib/live/bus.ts). */
export function publishPurchase(outcome: { ownerId: string | null; orgId: string | null }): void {
  publish({ kind: "purchase", ownerId: outcome.ownerId, orgId: outcome.orgId });
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
      // The rating and its audit entry together.
      db.transaction((tx) =>
        recordRatingEvent(tx, {
          chainId: config.chainId,
          txHash: event.transactionHash,
          logIndex: Number(event.logIndex),
          blockNumber: event.blockNumber,
          blockHash: event.blockHash,
          listingId: event.args.listingId,
          purchaseId: event.args.purchaseId,
          rater: event.args.buyer,
          score: Number(event.args.score),
        }),
      ),
  );
}

/** Records each `Withdrawn` event of the marketplace once: what payee wallets took out. */
export async function indexWithdrawals(db: Db, config: ChainConfig, options: RangeOptions = {}): Promise<IndexResult> {
  const contract = marketplaceContract(config);
  return scan(
    db,
    config,
    withdrawalsCursor(config),
    options,
    (fromBlock, toBlock) =>
      getContractEvents({ contract, events: [withdrawnEvent], fromBlock, toBlock, useIndexer: false }),
    (event) =>
      db.transaction((tx) =>
        recordWithdrawalEvent(tx, {
          chainId: config.chainId,
          txHash: event.transactionHash,
          logIndex: Number(event.logIndex),
          blockNumber: event.blockNumber,
          blockHash: event.blockHash,
          account: event.args.account,
          token: event.args.token,
          amount: event.args.amount,
        }),
      ),
  );
}
