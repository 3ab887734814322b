"use client";

import { createContext, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from "react";
import type { Account } from "thirdweb/wallets";
import type { PublicChain } from "@/lib/chain/config";
import { useWalletStore } from "@/lib/stores/wallet-store";
import { LAST_WALLET_KEY, LEGACY_WALLET_ID, type ChainRef, type WalletChoice } from "@/lib/wallet/choices";
import { loadWallet } from "@/lib/wallet/load";

export type { WalletChoice };

const noSubscription = () => () => {};

function legacyChoice(): WalletChoice | null {
  if (typeof window === "undefined" || !window.ethereum) return null;
  return { id: LEGACY_WALLET_ID, name: "Browser wallet" };
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
      seen.set(info.rdns, { id: info.rdns, name: info.name, icon: info.icon });
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

/** Reconnects the wallet connected last, once it is announced; loads the wallet runtime only then. */
function Reconnect({ chain }: { chain: PublicChain | null }) {
  const choices = useWalletChoices();
  useEffect(() => {
    let last: string | null = null;
    try {
      last = localStorage.getItem(LAST_WALLET_KEY);
    } catch {
      return; // storage refused (privacy settings): nothing to reconnect
    }
    const choice = last ? choices.find((c) => c.id === last) : undefined;
    if (!choice) return;
    void loadWallet()
      .then((wallet) => wallet.reconnect(choice, chain))
      .catch(() => {});
  }, [choices, chain]);
  return null;
}

/** The configured chain for the wallet hooks; reconnects the last wallet on reload. */
export function WalletProviders({ chain, children }: { chain: PublicChain | null; children: ReactNode }) {
  return (
    <ChainContext.Provider value={chain}>
      <Reconnect chain={chain} />
      {children}
    </ChainContext.Provider>
  );
}

/**
 * The connected wallet on the configured chain, read from `useWalletStore`; every action
 * loads the wallet runtime first. `requireAccount` connects the first installed wallet
 * when none is connected, asks the wallet to switch chains when it is on another one, and
 * refuses any account other than `as` when given.
 */
export function useChainWallet() {
  const target = useConfiguredChain();
  const { address, chainId, connecting } = useWalletStore();
  const choices = useWalletChoices();

  return {
    chain: target,
    address,
    activeChainId: chainId,
    onWrongChain: Boolean(address && target && chainId && chainId !== target.chainId),
    choices,
    connecting,
    connectWith: async (choice: WalletChoice, on: ChainRef | null = target) => {
      await (await loadWallet()).connect(choice, on);
    },
    requireAccount: async (options: { as?: string; why?: string; chain?: ChainRef } = {}): Promise<Account> =>
      (await loadWallet()).requireAccount({ on: options.chain ?? target, choices, as: options.as, why: options.why }),
    switchToTarget: async () => {
      if (target) await (await loadWallet()).switchChain(target);
    },
    disconnect: async () => (await loadWallet()).disconnect(),
  };
}
