"use client";

import { createThirdwebClient, defineChain, getContract, type Chain } from "thirdweb";
import { createSiweMessage } from "viem/siwe";
import { agentMarketplaceAbi } from "@/lib/chain/abi/agent-marketplace";
import { agentReputationAbi } from "@/lib/chain/abi/agent-reputation";
import type { PublicChain } from "@/lib/chain/config";

export type { PublicChain };

/**
 * The browser's thirdweb client. Reads go to the configured chain's public RPC URL and
 * writes through the user's own wallet, so no thirdweb hosted service is needed.
 */
export const thirdwebClient = createThirdwebClient({ clientId: "ai-nomads-browser" });

const chainNames: Record<number, string> = {
  1: "Ethereum",
  8453: "Base",
  84532: "Base Sepolia",
  11155111: "Sepolia",
  31337: "Local chain (anvil)",
};

export function chainName(chainId: number): string {
  return chainNames[chainId] ?? `Chain ${chainId}`;
}

/** A thirdweb chain with its metadata spelled out, so thirdweb never looks it up. */
export function chainOf(chain: { chainId: number; rpcUrl?: string }): Chain {
  return defineChain({
    id: chain.chainId,
    name: chainName(chain.chainId),
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    ...(chain.rpcUrl ? { rpc: chain.rpcUrl } : {}),
  });
}

export function browserMarketplace(chain: PublicChain) {
  return getContract({
    client: thirdwebClient,
    chain: chainOf(chain),
    address: chain.marketplace,
    abi: agentMarketplaceAbi,
  });
}

export function reputationOf(chain: PublicChain) {
  return getContract({
    client: thirdwebClient,
    chain: chainOf(chain),
    address: chain.reputation,
    abi: agentReputationAbi,
  });
}

/** A wallet problem with a message meant for the person at the keyboard. */
export class WalletError extends Error {}

/** Turns what a wallet threw into a WalletError a person can act on. */
export function describeWalletError(error: unknown, fallback: string): WalletError {
  if (error instanceof WalletError) return error;
  const code = (error as { code?: number })?.code;
  const text = String((error as { message?: unknown })?.message ?? "");
  if (code === 4001 || /rejected|denied/i.test(text))
    return new WalletError("You rejected the request in your wallet.");
  if (code === -32002) return new WalletError("Your wallet already has a pending request. Open it to continue.");
  return new WalletError(fallback);
}

/** The EIP-4361 message for this site, chain and server nonce, valid for ten minutes. */
export function siweMessage(params: { address: `0x${string}`; nonce: string; chainId: number; statement: string }) {
  const issuedAt = new Date();
  return createSiweMessage({
    domain: window.location.host,
    address: params.address,
    statement: params.statement,
    uri: window.location.origin,
    version: "1",
    chainId: params.chainId,
    nonce: params.nonce,
    issuedAt,
    expirationTime: new Date(issuedAt.getTime() + 10 * 60 * 1000),
  });
}
