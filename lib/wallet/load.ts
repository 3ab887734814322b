/**
 * Loads the wallet runtime (thirdweb, viem, the ABIs) on first use: a page's first load
 * never includes it (the bundle budget test checks), so only people who use a wallet
 * download it.
 */
export type WalletRuntime = typeof import("./runtime");

let loading: Promise<WalletRuntime> | null = null;

export function loadWallet(): Promise<WalletRuntime> {
  loading ??= import("./runtime").catch((error: unknown) => {
    loading = null; // a failed download (offline, a new deployment) can be retried
    throw error;
  });
  return loading;
}
