import "server-only";
import { createThirdwebClient, defineChain, getContract, type Chain, type ThirdwebClient } from "thirdweb";
import { env } from "@/lib/env";
import { agentMarketplaceAbi } from "./abi/agent-marketplace";
import { agentReputationAbi } from "./abi/agent-reputation";
import type { ChainConfig } from "./config";

let client: ThirdwebClient | undefined;

/** The thirdweb client. Every call goes to the configured RPC URL, never to hosted services. */
export function thirdwebClient(): ThirdwebClient {
  client ??= createThirdwebClient({ clientId: env.THIRDWEB_CLIENT_ID });
  return client;
}

export function chainOf(config: Pick<ChainConfig, "chainId" | "rpcUrl">): Chain {
  return defineChain({ id: config.chainId, rpc: config.rpcUrl });
}

export function marketplaceContract(config: ChainConfig) {
  return getContract({
    client: thirdwebClient(),
    chain: chainOf(config),
    address: config.marketplace,
    abi: agentMarketplaceAbi,
  });
}

export function reputationContract(config: ChainConfig) {
  return getContract({
    client: thirdwebClient(),
    chain: chainOf(config),
    address: config.reputation,
    abi: agentReputationAbi,
  });
}

export type MarketplaceContract = ReturnType<typeof marketplaceContract>;
export type ReputationContract = ReturnType<typeof reputationContract>;
