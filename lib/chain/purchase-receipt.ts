import { decodeEventLog, type Hex } from "viem";
import { eth_getTransactionReceipt, getRpcClient } from "thirdweb/rpc";
import type { PurchaseEvent } from "@/db/queries/purchases";
import { AppError } from "@/lib/errors";
import { agentMarketplaceAbi } from "./abi/agent-marketplace";
import { chainOf, thirdwebClient } from "./client";
import type { ChainConfig } from "./config";
import { toChainError } from "./errors";

/** The `Purchased` event of a confirmed transaction on our marketplace. */
export async function readPurchaseEvent(config: ChainConfig, txHash: Hex): Promise<PurchaseEvent> {
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
      if (event.eventName === "Purchased") {
        return {
          chainId: config.chainId,
          txHash: receipt.transactionHash,
          logIndex: Number(log.logIndex),
          blockNumber: receipt.blockNumber,
          purchaseId: event.args.purchaseId,
          listingId: event.args.listingId,
          buyer: event.args.buyer,
          runs: event.args.runs,
          amount: event.args.amount,
          token: event.args.token,
        };
      }
    } catch {
      // another event
    }
  }
  throw new AppError("INVALID_INPUT", "That transaction is not a purchase on the marketplace.");
}
