"use client";

import { getAddress, numberToHex, toHex } from "viem";
import { createSiweMessage } from "viem/siwe";

type Eip1193Provider = {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
};

declare global {
  interface Window {
    ethereum?: Eip1193Provider;
  }
}

/** A wallet problem with a message meant for the person at the keyboard. */
export class WalletError extends Error {}

function describe(error: unknown, fallback: string): WalletError {
  const code = (error as { code?: number })?.code;
  if (code === 4001) return new WalletError("You rejected the request in your wallet.");
  if (code === -32002) return new WalletError("Your wallet already has a pending request. Open it to continue.");
  return new WalletError(fallback);
}

function provider(): Eip1193Provider {
  if (typeof window === "undefined" || !window.ethereum) {
    throw new WalletError("No browser wallet found. Install one (for example MetaMask) or use email instead.");
  }
  return window.ethereum;
}

export async function ensureChain(eth: Eip1193Provider, chainId: number): Promise<void> {
  const current = Number(await eth.request({ method: "eth_chainId" }));
  if (current === chainId) return;
  try {
    await eth.request({ method: "wallet_switchEthereumChain", params: [{ chainId: numberToHex(chainId) }] });
  } catch (error) {
    throw describe(error, `Your wallet is on chain ${current}. Switch it to chain ${chainId} and try again.`);
  }
}

/**
 * Asks the injected wallet for an account and an EIP-4361 signature over a sign-in
 * message for this site, this chain and the server's nonce.
 */
export async function signSiweMessage(params: { nonce: string; chainId: number; statement: string }) {
  const eth = provider();
  let accounts: string[];
  try {
    accounts = (await eth.request({ method: "eth_requestAccounts" })) as string[];
  } catch (error) {
    throw describe(error, "Could not connect to your wallet.");
  }
  if (!accounts?.[0]) throw new WalletError("Your wallet did not share an account.");
  const address = getAddress(accounts[0]);
  await ensureChain(eth, params.chainId);
  const issuedAt = new Date();
  const message = createSiweMessage({
    domain: window.location.host,
    address,
    statement: params.statement,
    uri: window.location.origin,
    version: "1",
    chainId: params.chainId,
    nonce: params.nonce,
    issuedAt,
    expirationTime: new Date(issuedAt.getTime() + 10 * 60 * 1000),
  });
  try {
    const signature = (await eth.request({ method: "personal_sign", params: [toHex(message), address] })) as string;
    return { message, signature, address };
  } catch (error) {
    throw describe(error, "Your wallet could not sign the message.");
  }
}
