import { decodeEventLog, type Hex } from "viem";
import { eth_getTransactionReceipt, getRpcClient } from "thirdweb/rpc";
import { AppError } from "@/lib/errors";
import { agentMarketplaceAbi } from "./abi/agent-marketplace";
import { chainOf, thirdwebClient } from "./client";
import type { ChainConfig } from "./config";
import { toChainError } from "./errors";

/**
 * A successful transaction's receipt with the marketplace's events decoded. The database
 * follows what the chain says, not what a browser claims.
 */
export async function readMarketplaceReceipt(config: ChainConfig, txHash: Hex) {
  let receipt;
  try {
    receipt = await eth_getTransactionReceipt(getRpcClient({ client: thirdwebClient(), chain: chainOf(config) }), { hash: txHash });
  } catch (error) {
    const mapped = toChainError(error);
    if (mapped.code === "CHAIN_UNAVAILABLE") throw mapped;
    throw new AppError("NOT_FOUND", "That transaction is not on the chain (yet).", { cause: error });
  }
  if (receipt.status !== "success") throw new AppError("CONTRACT_REVERTED", "That transaction failed on-chain.");
  const events = receipt.logs.flatMap((log) => {
    if (log.address.toLowerCase() !== config.marketplace.toLowerCase()) return [];
    try {
      return [{ logIndex: Number(log.logIndex), event: decodeEventLog({ abi: agentMarketplaceAbi, data: log.data, topics: log.topics as [Hex, ...Hex[]] }) }];
    } catch {
      return [];
    }
  });
  return { receipt, events };
}
