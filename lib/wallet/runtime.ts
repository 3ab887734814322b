/**
 * The browser's wallet runtime: thirdweb, viem's SIWE message, the contracts' ABIs and
 * the one connected wallet. It is loaded on first use through `loadWallet()`
 * (`lib/wallet/load.ts`), never by a page's first load, so a visitor who never touches a
 * wallet downloads none of it. It writes what the page shows into `useWalletStore`.
 */
import { createThirdwebClient, defineChain, getContract, sendAndConfirmTransaction, type Chain } from "thirdweb";
import { createWallet, EIP1193, getWalletBalance, type Account, type Wallet, type WalletId } from "thirdweb/wallets";
import { createSiweMessage } from "viem/siwe";
import { agentMarketplaceAbi } from "@/lib/chain/abi/agent-marketplace";
import { agentReputationAbi } from "@/lib/chain/abi/agent-reputation";
import type { PublicChain } from "@/lib/chain/config";
import { useWalletStore } from "@/lib/stores/wallet-store";
import { chainName, describeWalletError, WalletError } from "./errors";
import { LAST_WALLET_KEY, LEGACY_WALLET_ID, type ChainRef, type WalletChoice } from "./choices";

export {
  NATIVE_TOKEN,
  preparePurchase,
  prepareRate,
  prepareRegisterListing,
  prepareUpdateListing,
  prepareWithdraw,
} from "@/lib/chain/contracts";
export { toChainError } from "@/lib/chain/errors";
export { sendAndConfirmTransaction };

/**
 * The browser's thirdweb client. Reads go to the configured chain's public RPC URL and
 * writes through the user's own wallet, so no thirdweb hosted service is needed.
 */
export const thirdwebClient = createThirdwebClient({ clientId: "ai-nomads-browser" });

/** A thirdweb chain with its metadata spelled out, so thirdweb never looks it up. */
export function chainOf(chain: ChainRef): Chain {
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

export async function balanceOf(chain: ChainRef, address: string): Promise<bigint> {
  const balance = await getWalletBalance({ client: thirdwebClient, chain: chainOf(chain), address });
  return balance.value;
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

// ---------------------------------------------------------------------------------------
// The one connected wallet.

let active: Wallet | null = null;
let unsubscribe: (() => void)[] = [];

function publish() {
  const account = active?.getAccount();
  useWalletStore.setState({
    address: account?.address as `0x${string}` | undefined,
    chainId: account ? active?.getChain()?.id : undefined,
    walletId: account ? active?.id : undefined,
  });
}

function track(wallet: Wallet | null) {
  unsubscribe.forEach((stop) => stop());
  unsubscribe = [];
  active = wallet;
  if (wallet) {
    unsubscribe = [
      wallet.subscribe("accountChanged", publish),
      wallet.subscribe("chainChanged", publish),
      wallet.subscribe("disconnect", () => {
        localStorage.removeItem(LAST_WALLET_KEY);
        track(null);
      }),
    ];
  }
  publish();
}

function walletFor(choice: WalletChoice): Wallet {
  if (choice.id === LEGACY_WALLET_ID) {
    const provider = window.ethereum as Parameters<typeof EIP1193.fromProvider>[0]["provider"] | undefined;
    if (!provider) throw new WalletError("No browser wallet found. Install one (for example MetaMask) to continue.");
    return EIP1193.fromProvider({ provider, walletId: LEGACY_WALLET_ID as WalletId });
  }
  return createWallet(choice.id as WalletId);
}

/** Connects `choice` (asking the person), on `on` when given. */
export async function connect(choice: WalletChoice, on: ChainRef | null): Promise<Wallet> {
  useWalletStore.setState({ connecting: true });
  try {
    const wallet = walletFor(choice);
    await wallet.connect({ client: thirdwebClient, ...(on ? { chain: chainOf(on) } : {}) });
    if (!wallet.getAccount()) throw new WalletError("Could not connect to your wallet.");
    localStorage.setItem(LAST_WALLET_KEY, choice.id);
    track(wallet);
    return wallet;
  } catch (error) {
    throw describeWalletError(error, "Could not connect to your wallet.");
  } finally {
    useWalletStore.setState({ connecting: false });
  }
}

/** Reconnects the wallet connected last, without a prompt; forgets it when it no longer answers. */
export async function reconnect(choice: WalletChoice, on: ChainRef | null): Promise<void> {
  if (active) return;
  try {
    const wallet = walletFor(choice);
    await wallet.autoConnect({ client: thirdwebClient, ...(on ? { chain: chainOf(on) } : {}) });
    if (!active && wallet.getAccount()) track(wallet);
  } catch {
    localStorage.removeItem(LAST_WALLET_KEY);
  }
}

export async function disconnect(): Promise<void> {
  const wallet = active;
  localStorage.removeItem(LAST_WALLET_KEY);
  track(null);
  await wallet?.disconnect();
}

export async function switchChain(on: ChainRef): Promise<void> {
  if (!active) return;
  try {
    await active.switchChain(chainOf(on));
  } catch (error) {
    throw describeWalletError(error, `Your wallet could not switch to chain ${on.chainId}. Switch it in the wallet.`);
  }
  publish();
}

/**
 * The connected account on chain `on`: connects the first installed wallet when none is
 * connected, asks the wallet to switch chains when it is on another one, and refuses any
 * account other than `as` when given.
 */
export async function requireAccount(options: {
  on: ChainRef | null;
  choices: WalletChoice[];
  as?: string;
  why?: string;
}): Promise<Account> {
  const { on } = options;
  if (!on) throw new WalletError("No chain is configured on this server.");
  let current = active;
  if (!current) {
    const choice = options.choices[0];
    if (!choice) throw new WalletError("No browser wallet found. Install one (for example MetaMask) to continue.");
    current = await connect(choice, on);
  }
  const name = chainName(on.chainId);
  if (current.getChain()?.id !== on.chainId) {
    try {
      await current.switchChain(chainOf(on));
    } catch (error) {
      const refused = describeWalletError(error, "");
      throw new WalletError(
        refused.message
          ? `${refused.message} Your wallet must be on ${name} (chain ${on.chainId}).`
          : `Your wallet is on chain ${current.getChain()?.id ?? "unknown"}. Switch it to ${name} (chain ${on.chainId}) and try again.`,
      );
    } finally {
      publish();
    }
    if (current.getChain()?.id !== on.chainId) {
      throw new WalletError(
        `Your wallet is still on chain ${current.getChain()?.id ?? "unknown"}. Switch it to ${name} (chain ${on.chainId}) and try again.`,
      );
    }
  }
  const account = current.getAccount();
  if (!account) throw new WalletError("Your wallet did not share an account.");
  if (options.as && account.address.toLowerCase() !== options.as.toLowerCase()) {
    throw new WalletError(`Switch your wallet to ${options.as}${options.why ? `, ${options.why}` : ""}.`);
  }
  return account;
}
