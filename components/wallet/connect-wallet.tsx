"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { formatWei } from "@/lib/format";
import { queryKeys } from "@/lib/query-keys";
import { useUiStore } from "@/lib/stores/ui-store";
import { chainName, WalletError } from "@/lib/wallet/errors";
import { loadWallet } from "@/lib/wallet/load";
import { useChainWallet } from "./chain-wallet";

const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;

/**
 * The header's wallet control: connect one of the browser's wallets on the configured
 * chain, see the address and balance, switch chains when the wallet is on another one,
 * disconnect. Hidden when the server has no chain configured.
 */
export function ConnectWallet() {
  const w = useChainWallet();
  const toast = useUiStore((s) => s.toast);
  const [busy, setBusy] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const balance = useQuery({
    queryKey: queryKeys.walletBalance(w.chain?.chainId ?? 0, w.address ?? ""),
    queryFn: async () => (await loadWallet()).balanceOf(w.chain!, w.address!),
    // Read when the person opens the menu that shows it, not on every page.
    enabled: Boolean(menuOpen && w.chain && w.address && !w.onWrongChain),
  });

  if (!w.chain) return null;

  async function attempt(work: () => Promise<unknown>) {
    setBusy(true);
    try {
      await work();
    } catch (error) {
      toast({
        title: "Wallet",
        description: error instanceof WalletError ? error.message : "Your wallet did not respond.",
        tone: "error",
      });
    } finally {
      setBusy(false);
    }
  }

  if (w.address) {
    if (w.onWrongChain) {
      return (
        <Button
          size="sm"
          variant="destructive"
          data-testid="wallet-wrong-chain"
          disabled={busy}
          onClick={() => void attempt(w.switchToTarget)}
        >
          Switch to {chainName(w.chain.chainId)}
        </Button>
      );
    }
    return (
      <DropdownMenu open={menuOpen} onOpenChange={setMenuOpen}>
        <DropdownMenuTrigger asChild>
          <Button size="sm" variant="outline" data-testid="wallet-connected" title={w.address}>
            {short(w.address)}
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end">
          <DropdownMenuLabel className="font-mono text-xs">{w.address}</DropdownMenuLabel>
          <DropdownMenuLabel className="text-xs font-normal text-muted-foreground">
            {chainName(w.chain.chainId)} ·{" "}
            {balance.data !== undefined ? formatWei(balance.data) : balance.isError ? "balance unavailable" : "…"}
          </DropdownMenuLabel>
          <DropdownMenuSeparator />
          <DropdownMenuItem onSelect={() => void attempt(w.disconnect)}>Disconnect</DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
    );
  }

  if (w.choices.length === 0) {
    return (
      <Button
        size="sm"
        variant="outline"
        onClick={() =>
          toast({
            title: "No browser wallet",
            description: "Install a browser wallet such as MetaMask to buy, list, rate and withdraw.",
          })
        }
      >
        Connect wallet
      </Button>
    );
  }

  return (
    // Opening the menu starts loading the wallet code, so connecting does not wait for it.
    <DropdownMenu onOpenChange={(open) => open && void loadWallet().catch(() => {})}>
      <DropdownMenuTrigger asChild>
        <Button size="sm" variant="outline" disabled={busy || w.connecting} data-testid="wallet-connect">
          {busy || w.connecting ? "Connecting…" : "Connect wallet"}
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        <DropdownMenuLabel className="text-xs">Wallets in this browser</DropdownMenuLabel>
        {w.choices.map((choice) => (
          <DropdownMenuItem key={choice.id} onSelect={() => void attempt(() => w.connectWith(choice))}>
            {/* eslint-disable-next-line @next/next/no-img-element -- wallet icons are data URIs from the extension */}
            {choice.icon ? <img src={choice.icon} alt="" className="mr-2 h-4 w-4" /> : null}
            {choice.name}
          </DropdownMenuItem>
        ))}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
