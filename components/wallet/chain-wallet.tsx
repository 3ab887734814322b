"use client";

import { createContext, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from "react";
import {
  AutoConnect,
  ThirdwebProvider,
  useActiveWallet,
  useActiveWalletChain,
  useConnect,
  useSwitchActiveWalletChain,
} from "thirdweb/react";
import { createWallet, EIP1193, type Account, type Wallet, type WalletId } from "thirdweb/wallets";
import { chainOf, describeWalletError, thirdwebClient, WalletError, type PublicChain } from "@/lib/wallet/thirdweb";

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

/** A browser wallet the person can connect: announced through EIP-6963, or the legacy `window.ethereum`. */
export type WalletChoice = { id: string; name: string; icon?: string; create: () => Wallet };

const noSubscription = () => () => {};

type ChainRef = { chainId: number; rpcUrl?: string };

const LEGACY_ID = "injected.window-ethereum";

function legacyChoice(): WalletChoice | null {
  if (typeof window === "undefined" || !window.ethereum) return null;
  const provider = window.ethereum as Parameters<typeof EIP1193.fromProvider>[0]["provider"];
  return {
    id: LEGACY_ID,
    name: "Browser wallet",
    create: () => EIP1193.fromProvider({ provider, walletId: LEGACY_ID as WalletId }),
  };
}

/** Wallets installed in this browser (EIP-6963 discovery), with `window.ethereum` as the fallback. */
export function useWalletChoices(): WalletChoice[] {
  const [announced, setAnnounced] = useState<WalletChoice[]>([]);
  // window.ethereum only exists in the browser: read it after hydration.
  const hydrated = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  const legacy = useMemo(() => (hydrated ? legacyChoice() : null), [hydrated]);
  useEffect(() => {
    const seen = new Map<string, WalletChoice>();
    const onAnnounce = (event: Event) => {
      const { info } = (event as CustomEvent<{ info: { rdns: string; name: string; icon?: string } }>).detail ?? {};
      if (!info?.rdns || seen.has(info.rdns)) return;
      seen.set(info.rdns, {
        id: info.rdns,
        name: info.name,
        icon: info.icon,
        create: () => createWallet(info.rdns as WalletId),
      });
      setAnnounced([...seen.values()]);
    };
    window.addEventListener("eip6963:announceProvider", onAnnounce);
    window.dispatchEvent(new Event("eip6963:requestProvider"));
    return () => window.removeEventListener("eip6963:announceProvider", onAnnounce);
  }, []);
  return announced.length > 0 ? announced : legacy ? [legacy] : [];
}

const ChainContext = createContext<PublicChain | null>(null);

/** The configured chain as the server handed it to the browser (null when none is configured). */
export function useConfiguredChain(): PublicChain | null {
  return useContext(ChainContext);
}

function Reconnect() {
  const choices = useWalletChoices();
  const wallets = useMemo(() => choices.map((c) => c.create()), [choices]);
  if (wallets.length === 0) return null;
  return <AutoConnect client={thirdwebClient} wallets={wallets} timeout={5000} />;
}

/** thirdweb's React provider with the configured chain; reconnects the last wallet on reload. */
export function WalletProviders({ chain, children }: { chain: PublicChain | null; children: ReactNode }) {
  return (
    <ThirdwebProvider>
      <ChainContext.Provider value={chain}>
        <Reconnect />
        {children}
      </ChainContext.Provider>
    </ThirdwebProvider>
  );
}

/**
 * The connected wallet on the configured chain. `requireAccount` connects the first
 * installed wallet when none is connected, asks the wallet to switch chains when it is
 * on another one, and refuses any account other than `as` when given.
 */
export function useChainWallet() {
  const target = useConfiguredChain();
  const wallet = useActiveWallet();
  const activeChain = useActiveWalletChain();
  const { connect, isConnecting } = useConnect({ client: thirdwebClient });
  const switchChain = useSwitchActiveWalletChain();
  const choices = useWalletChoices();

  async function connectWith(choice: WalletChoice, on: ChainRef | null = target): Promise<Wallet> {
    try {
      const connected = await connect(async () => {
        const w = choice.create();
        await w.connect({ client: thirdwebClient, ...(on ? { chain: chainOf(on) } : {}) });
        return w;
      });
      if (!connected) throw new WalletError("Could not connect to your wallet.");
      return connected;
    } catch (error) {
      throw describeWalletError(error, "Could not connect to your wallet.");
    }
  }

  async function requireAccount(options: { as?: string; why?: string; chain?: ChainRef } = {}): Promise<Account> {
    const on = options.chain ?? target;
    if (!on) throw new WalletError("No chain is configured on this server.");
    let current = wallet;
    if (!current) {
      const choice = choices[0];
      if (!choice) throw new WalletError("No browser wallet found. Install one (for example MetaMask) to continue.");
      current = await connectWith(choice, on);
    }
    if (current.getChain()?.id !== on.chainId) {
      try {
        await current.switchChain(chainOf(on));
      } catch (error) {
        const refused = describeWalletError(error, "");
        throw new WalletError(
          refused.message
            ? `${refused.message} Your wallet must be on ${chainOf(on).name} (chain ${on.chainId}).`
            : `Your wallet is on chain ${current.getChain()?.id ?? "unknown"}. Switch it to ${chainOf(on).name} (chain ${on.chainId}) and try again.`,
        );
      }
      if (current.getChain()?.id !== on.chainId) {
        throw new WalletError(
          `Your wallet is still on chain ${current.getChain()?.id ?? "unknown"}. Switch it to ${chainOf(on).name} (chain ${on.chainId}) and try again.`,
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

  return {
    chain: target,
    wallet,
    account: wallet?.getAccount(),
    onWrongChain: Boolean(wallet && target && activeChain && activeChain.id !== target.chainId),
    activeChainId: activeChain?.id,
    choices,
    connecting: isConnecting,
    connectWith,
    requireAccount,
    switchToTarget: async () => {
      if (!target) return;
      try {
        await switchChain(chainOf(target));
      } catch (error) {
        throw describeWalletError(
          error,
          `Your wallet could not switch to chain ${target.chainId}. Switch it in the wallet.`,
        );
      }
    },
  };
}
