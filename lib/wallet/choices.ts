/** Light types shared by the wallet hooks and the lazily loaded wallet runtime. */

type Eip1193 = {
  request(args: { method: string; params?: unknown }): Promise<unknown>;
  on?: unknown;
  removeListener?: unknown;
};

declare global {
  interface Window {
    ethereum?: Eip1193;
  }
}

/** The id under which a wallet that only sets `window.ethereum` is connected. */
export const LEGACY_WALLET_ID = "injected.window-ethereum";

/** Where the browser remembers which wallet was connected last, so a reload reconnects it without asking. */
export const LAST_WALLET_KEY = "ai-nomads:wallet";

/** A browser wallet the person can connect: announced through EIP-6963 (`id` is its rdns), or the legacy `window.ethereum`. */
export type WalletChoice = { id: string; name: string; icon?: string };

export type ChainRef = { chainId: number; rpcUrl?: string };
