import "server-only";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { getAddress } from "viem";
import { dataDir, env } from "@/lib/env";

export type ChainConfig = {
  rpcUrl: string;
  chainId: number;
  marketplace: `0x${string}`;
  reputation: `0x${string}`;
  startBlock: bigint;
  /** Blocks on top of a block before its events count (indexer, confirmations of purchases); 0 if unset. */
  confirmations?: number;
};

/** Where `npm start` records the contracts it deployed on the local chain. */
export function deploymentFile(): string {
  return path.join(dataDir(), "chain", "deployment.json");
}

/**
 * The chain the app talks to: CHAIN_RPC_URL with contract addresses from the
 * environment, or the local chain that `npm start` deployed to. Null when neither is
 * configured (the chain features then say so instead of failing).
 */
export function resolveChainConfig(): ChainConfig | null {
  if (env.CHAIN_RPC_URL) {
    if (!env.MARKETPLACE_ADDRESS || !env.REPUTATION_ADDRESS) return null;
    return {
      rpcUrl: env.CHAIN_RPC_URL,
      chainId: env.CHAIN_ID,
      marketplace: getAddress(env.MARKETPLACE_ADDRESS),
      reputation: getAddress(env.REPUTATION_ADDRESS),
      startBlock: env.CHAIN_START_BLOCK,
      confirmations: env.CHAIN_CONFIRMATIONS ?? 12,
    };
  }
  const file = deploymentFile();
  if (!existsSync(file)) return null;
  // Every page asks (the root layout hands the chain to the browser): parse the file once per change.
  const mtimeMs = statSync(file).mtimeMs;
  if (cachedDeployment?.file === file && cachedDeployment.mtimeMs === mtimeMs) return cachedDeployment.config;
  const saved = JSON.parse(readFileSync(file, "utf8")) as {
    rpcUrl: string;
    chainId: number;
    marketplace: string;
    reputation: string;
    startBlock: string;
  };
  const config: ChainConfig = {
    rpcUrl: saved.rpcUrl,
    chainId: saved.chainId,
    marketplace: getAddress(saved.marketplace),
    reputation: getAddress(saved.reputation),
    startBlock: BigInt(saved.startBlock),
    // The local chain mines a block per transaction and never reorganises by itself.
    confirmations: env.CHAIN_CONFIRMATIONS ?? 0,
  };
  cachedDeployment = { file, mtimeMs, config };
  return config;
}

let cachedDeployment: { file: string; mtimeMs: number; config: ChainConfig } | undefined;

/** What the browser needs to know about the chain (no secrets): the public RPC URL and addresses. */
export type PublicChain = { chainId: number; rpcUrl: string; marketplace: `0x${string}`; reputation: `0x${string}` };

export function publicChainConfig(config: ChainConfig): PublicChain {
  return {
    chainId: config.chainId,
    // CHAIN_RPC_URL may carry a provider key: browsers get CHAIN_PUBLIC_RPC_URL (required with
    // it, see lib/env.ts); the local chain's URL is the same for both.
    rpcUrl: env.CHAIN_RPC_URL ? env.CHAIN_PUBLIC_RPC_URL! : config.rpcUrl,
    marketplace: config.marketplace,
    reputation: config.reputation,
  };
}
