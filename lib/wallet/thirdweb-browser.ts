"use client";

import { createThirdwebClient, defineChain, getContract } from "thirdweb";
import type { Account } from "thirdweb/wallets";
import { getAddress, numberToHex, toHex, type Hex } from "viem";
import { agentMarketplaceAbi } from "@/lib/chain/abi/agent-marketplace";
import { agentReputationAbi } from "@/lib/chain/abi/agent-reputation";
import { ensureChain, WalletError } from "./injected";

import type { PublicChain } from "@/lib/chain/config";

export type { PublicChain };

// Calls go to the given RPC URL and the user's wallet; no thirdweb hosted service is used.
const client = createThirdwebClient({ clientId: "ai-nomads-browser" });

const chainOf = (publicChain: PublicChain) => defineChain({ id: publicChain.chainId, rpc: publicChain.rpcUrl });

/**
 * The injected wallet (EIP-1193) as a thirdweb account on the configured chain; the
 * wallet is asked to switch chains when it is on another one.
 */
export async function connectInjectedAccount(publicChain: PublicChain) {
  const provider = typeof window === "undefined" ? undefined : window.ethereum;
  if (!provider) throw new WalletError("No browser wallet found. Install one (for example MetaMask) to continue.");
  let accounts: string[];
  try {
    accounts = (await provider.request({ method: "eth_requestAccounts" })) as string[];
  } catch (error) {
    throw new WalletError((error as { code?: number }).code === 4001 ? "You rejected the request in your wallet." : "Could not connect to your wallet.");
  }
  if (!accounts?.[0]) throw new WalletError("Your wallet did not share an account.");
  await ensureChain(provider, publicChain.chainId);
  const address = getAddress(accounts[0]);
  const hex = (v: bigint | number | undefined) => (v === undefined ? undefined : numberToHex(v));
  // thirdweb's Account interface over the wallet's own EIP-1193 methods: the wallet
  // signs and sends; thirdweb prepares the calls and waits for receipts. (thirdweb's
  // wallet adapters pull in optional SDKs that do not bundle here.)
  const account: Account = {
    address,
    async sendTransaction(tx) {
      const transactionHash = (await provider.request({
        method: "eth_sendTransaction",
        params: [
          {
            from: address,
            to: tx.to ?? undefined,
            data: tx.data,
            value: hex(tx.value),
            gas: hex(tx.gas),
            maxFeePerGas: hex(tx.maxFeePerGas),
            maxPriorityFeePerGas: hex(tx.maxPriorityFeePerGas),
            chainId: hex(tx.chainId),
          },
        ],
      })) as Hex;
      return { transactionHash };
    },
    async signMessage({ message }) {
      const raw = typeof message === "string" ? toHex(message) : typeof message.raw === "string" ? message.raw : toHex(message.raw);
      return (await provider.request({ method: "personal_sign", params: [raw, address] })) as Hex;
    },
    async signTypedData(typedData) {
      return (await provider.request({ method: "eth_signTypedData_v4", params: [address, JSON.stringify(typedData, (_k, v) => (typeof v === "bigint" ? v.toString() : v))] })) as Hex;
    },
  };
  return { account, chain: chainOf(publicChain) };
}

/** Like connectInjectedAccount, but refuses any account other than `address`. */
export async function connectInjectedAccountAs(publicChain: PublicChain, address: string, why: string) {
  const connected = await connectInjectedAccount(publicChain);
  if (connected.account.address.toLowerCase() !== address.toLowerCase()) {
    throw new WalletError(`Switch your wallet to ${address}, ${why}.`);
  }
  return connected;
}

export function browserMarketplace(publicChain: PublicChain) {
  return getContract({ client, chain: chainOf(publicChain), address: publicChain.marketplace, abi: agentMarketplaceAbi });
}

export function reputationOf(publicChain: PublicChain) {
  return getContract({ client, chain: chainOf(publicChain), address: publicChain.reputation, abi: agentReputationAbi });
}
