import { create } from "zustand";

/**
 * The connected wallet as the page shows it. Only the wallet runtime (`lib/wallet/runtime.ts`,
 * loaded on first use) writes it; components read it without loading any wallet code.
 */
export type WalletState = {
  /** The connected account, when a wallet is connected. */
  address?: `0x${string}`;
  /** The chain the connected wallet is on. */
  chainId?: number;
  /** Which wallet: an EIP-6963 `rdns`, or the legacy `window.ethereum`. */
  walletId?: string;
  connecting: boolean;
};

export const useWalletStore = create<WalletState>(() => ({ connecting: false }));
