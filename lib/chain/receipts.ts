import { decodeEventLog, type Abi, type DecodeEventLogReturnType, type Hex } from "viem";
import { eth_getTransactionReceipt, getRpcClient } from "thirdweb/rpc";
import { AppError } from "@/lib/errors";
import { agentMarketplaceAbi } from "./abi/agent-marketplace";
import { agentReputationAbi } from "./abi/agent-reputation";
import { chainOf, thirdwebClient } from "./client";
import type { ChainConfig } from "./config";
import { toChainError } from "./errors";

/**
 * A successful transaction's receipt with one contract's events decoded. The database
 * follows what the chain says, not what a browser claims.
 */
async function readContractReceipt<const TAbi extends Abi>(
  config: ChainConfig,
  txHash: Hex,
  address: string,
  abi: TAbi,
) {
  let receipt;
  try {
    receipt = await eth_getTransactionReceipt(getRpcClient({ client: thirdwebClient(), chain: chainOf(config) }), {
      hash: txHash,
    });
  } catch (error) {
    const mapped = toChainError(error);
    if (mapped.code === "CHAIN_UNAVAILABLE") throw mapped;
    throw new AppError("NOT_FOUND", "That transaction is not on the chain (yet).", { cause: error });
  }
  if (receipt.status !== "success") throw new AppError("CONTRACT_REVERTED", "That transaction failed on-chain.");
  const events = receipt.logs.flatMap((log) => {
    if (log.address.toLowerCase() !== address.toLowerCase()) return [];
    try {
      const event = decodeEventLog({
        abi,
        data: log.data,
        topics: log.topics as [Hex, ...Hex[]],
      }) as DecodeEventLogReturnType<TAbi>;
      return [{ logIndex: Number(log.logIndex), event }];
    } catch {
      return [];
    }
  });
  return { receipt, events };
}

/** A marketplace transaction's receipt with the marketplace's events decoded. */
export function readMarketplaceReceipt(config: ChainConfig, txHash: Hex) {
  return readContractReceipt(config, txHash, config.marketplace, agentMarketplaceAbi);
}

/** A reputation transaction's receipt with the reputation contract's events decoded. */
export function readReputationReceipt(config: ChainConfig, txHash: Hex) {
  return readContractReceipt(config, txHash, config.reputation, agentReputationAbi);
}
