import { createHash } from "node:crypto";
import { eth_blockNumber, eth_getCode, getRpcClient } from "thirdweb/rpc";
import { deployContract } from "thirdweb/deploys";
import { privateKeyToAccount } from "thirdweb/wallets";
import { agentMarketplaceAbi, agentMarketplaceBytecode } from "./abi/agent-marketplace";
import { agentReputationAbi, agentReputationBytecode } from "./abi/agent-reputation";
import { chainOf, thirdwebClient } from "./client";
import type { ChainConfig } from "./config";

/**
 * Deploys AgentMarketplace and AgentReputation through the thirdweb SDK. The deployer
 * becomes owner, fee recipient, admin and attester (the platform's own key).
 */
export async function deployPlatformContracts(params: {
  rpcUrl: string;
  chainId: number;
  deployerKey: `0x${string}`;
  feeBps?: number;
}): Promise<ChainConfig> {
  const client = thirdwebClient();
  const chain = chainOf(params);
  const account = privateKeyToAccount({ client, privateKey: params.deployerKey });
  const startBlock = await eth_blockNumber(getRpcClient({ client, chain }));
  const marketplace = await deployContract({
    client,
    chain,
    account,
    abi: agentMarketplaceAbi,
    bytecode: agentMarketplaceBytecode,
    constructorParams: {
      initialOwner: account.address,
      initialFeeRecipient: account.address,
      initialFeeBps: params.feeBps ?? 500,
    },
  });
  const reputation = await deployContract({
    client,
    chain,
    account,
    abi: agentReputationAbi,
    bytecode: agentReputationBytecode,
    constructorParams: { marketplace_: marketplace, admin: account.address, attester: account.address },
  });
  return {
    rpcUrl: params.rpcUrl,
    chainId: params.chainId,
    marketplace: marketplace as `0x${string}`,
    reputation: reputation as `0x${string}`,
    startBlock,
  };
}

/** Identifies the contracts' code: a local deployment of older code is replaced at start. */
export const contractsCodeHash = (): string =>
  createHash("sha256").update(agentMarketplaceBytecode).update(agentReputationBytecode).digest("hex").slice(0, 16);

/** Whether both contracts have code at their addresses (a reset chain has none). */
export async function contractsDeployed(config: ChainConfig): Promise<boolean> {
  const rpc = getRpcClient({ client: thirdwebClient(), chain: chainOf(config) });
  const [a, b] = await Promise.all([
    eth_getCode(rpc, { address: config.marketplace }),
    eth_getCode(rpc, { address: config.reputation }),
  ]);
  return a !== "0x" && b !== "0x";
}
