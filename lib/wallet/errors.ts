/**
 * What the browser needs to talk about wallets without loading any wallet code: the
 * error a person can act on and the names of chains. The wallet runtime itself
 * (thirdweb, viem, the contracts' ABIs) is in `runtime.ts`, loaded on first use.
 */

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
