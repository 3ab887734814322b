import { decodeEventLog, type Hex } from "viem";
import { eth_getTransactionReceipt, getRpcClient } from "thirdweb/rpc";
import { AppError } from "@/lib/errors";
import { agentMarketplaceAbi } from "./abi/agent-marketplace";
import { chainOf, thirdwebClient } from "./client";
import type { ChainConfig } from "./config";
import { toChainError } from "./errors";

/**
 * Reads a confirmed transaction and returns the listing it registered on our marketplace
 * and who registered it. The database follows what the chain says, not what the
 * browser claims.
 */
export async function readRegisteredListing(config: ChainConfig, txHash: Hex): Promise<{ listingId: bigint; creator: string; pricePerRun: bigint }> {
  let receipt;
  try {
    receipt = await eth_getTransactionReceipt(getRpcClient({ client: thirdwebClient(), chain: chainOf(config) }), { hash: txHash });
  } catch (error) {
    const mapped = toChainError(error);
    if (mapped.code === "CHAIN_UNAVAILABLE") throw mapped;
    throw new AppError("NOT_FOUND", "That transaction is not on the chain (yet).", { cause: error });
  }
  if (receipt.status !== "success") throw new AppError("CONTRACT_REVERTED", "That transaction failed on-chain.");
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== config.marketplace.toLowerCase()) continue;
    try {
      const event = decodeEventLog({ abi: agentMarketplaceAbi, data: log.data, topics: log.topics as [Hex, ...Hex[]] });
      if (event.eventName === "ListingRegistered") {
        return { listingId: event.args.listingId, creator: event.args.creator.toLowerCase(), pricePerRun: event.args.pricePerRun };
      }
    } catch {
      // another event of the marketplace
    }
  }
  throw new AppError("INVALID_INPUT", "That transaction did not register a listing on the marketplace.");
}
