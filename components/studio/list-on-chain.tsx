"use client";

import { useRouter } from "next/navigation";
import { PayeeSplit } from "./payee-split";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { FormError } from "@/components/ui/field";
import { confirmListingAction } from "@/lib/actions/agents/confirm-listing";
import type { OnChainListing } from "@/lib/chain/agent-reputation";
import { formatWei } from "@/lib/format";
import { useChainWallet } from "@/components/wallet/chain-wallet";
import { useWalletTask } from "@/components/wallet/use-wallet-task";
import type { PublicChain } from "@/lib/chain/config";
import { WalletError } from "@/lib/wallet/errors";
import { loadWallet } from "@/lib/wallet/load";

type Version = { version: number; priceWei: string; payees: { address: string; shareBps: number }[] };

const samePayees = (a: Version["payees"], b: Version["payees"]) =>
  a.length === b.length &&
  a.every((p, i) => p.address.toLowerCase() === b[i]!.address.toLowerCase() && p.shareBps === b[i]!.shareBps);

/**
 * Registers the latest version's price and payees as a listing on AgentMarketplace from
 * the creator's own wallet, then has the server confirm it from the chain. Once listed,
 * it shows what the chain holds and updates the listing when a newer version changes the
 * price or payees, or pauses and resumes sales.
 */
export function ListOnChain({
  agentId,
  listingId,
  onChain,
  chain,
  latest,
  platformFeeBps,
}: {
  agentId: string;
  listingId: string | null;
  onChain: OnChainListing | null;
  chain: PublicChain | null;
  latest: Version | null;
  platformFeeBps: number | null;
}) {
  const router = useRouter();
  const wallet = useChainWallet();
  const task = useWalletTask<"wallet" | "confirming">();
  const step = task.step;

  async function list() {
    if (!chain || !latest) return;
    await task.run("wallet", async (advance) => {
      const account = await wallet.requireAccount();
      const rt = await loadWallet();
      const transaction = rt.prepareRegisterListing(rt.browserMarketplace(chain), {
        token: rt.NATIVE_TOKEN,
        pricePerRun: BigInt(latest.priceWei),
        payees: latest.payees.map((p) => ({ account: p.address as `0x${string}`, shareBps: p.shareBps })),
      });
      advance("confirming");
      const receipt = await rt.sendAndConfirmTransaction({ account, transaction });
      const confirmed = await confirmListingAction({ agentId, txHash: receipt.transactionHash });
      if (!confirmed.ok) throw new WalletError(confirmed.error.message);
      router.refresh();
    });
  }

  async function update(next: { priceWei: string; payees: Version["payees"]; active: boolean }) {
    if (!chain || !listingId || !onChain) return;
    await task.run("wallet", async (advance) => {
      const account = await wallet.requireAccount({ as: onChain.creator, why: "which registered this listing" });
      const rt = await loadWallet();
      const transaction = rt.prepareUpdateListing(rt.browserMarketplace(chain), {
        listingId: BigInt(listingId),
        pricePerRun: BigInt(next.priceWei),
        payees: next.payees.map((p) => ({ account: p.address as `0x${string}`, shareBps: p.shareBps })),
        active: next.active,
      });
      advance("confirming");
      await rt.sendAndConfirmTransaction({ account, transaction });
      router.refresh();
    });
  }

  const busyLabel =
    step === "wallet" ? "Waiting for your wallet…" : step === "confirming" ? "Confirming on-chain…" : null;
  let body: React.ReactNode;
  if (listingId && !onChain)
    body = (
      <p data-testid="listing-status">Listed on-chain as listing #{listingId}. The chain cannot be read right now.</p>
    );
  else if (listingId && onChain) {
    const outdated =
      latest &&
      latest.payees.length > 0 &&
      (latest.priceWei !== onChain.priceWei || !samePayees(latest.payees, onChain.payees));
    body = (
      <div className="space-y-3">
        <p data-testid="listing-status">
          Listed on-chain as listing #{listingId}. {onChain.active ? "On sale" : "Paused"} at{" "}
          {formatWei(onChain.priceWei)} per run, paid to{" "}
          {onChain.payees
            .map((p) => `${p.address.slice(0, 6)}…${p.address.slice(-4)} (${p.shareBps / 100}%)`)
            .join(", ")}
          .
        </p>
        {outdated && latest ? (
          <p className="rounded-md bg-amber-50 p-2 text-amber-900" data-testid="listing-outdated">
            Version {latest.version} sells at {formatWei(latest.priceWei)}
            {samePayees(latest.payees, onChain.payees) ? "" : " with different payees"}. Buyers pay the on-chain terms
            until you update the listing.
          </p>
        ) : null}
        <div className="flex flex-wrap gap-2">
          {outdated && latest ? (
            <Button
              onClick={() => void update({ priceWei: latest.priceWei, payees: latest.payees, active: true })}
              disabled={step !== "idle"}
            >
              {busyLabel ?? `Update listing to version ${latest.version}`}
            </Button>
          ) : null}
          <Button
            variant="outline"
            onClick={() => void update({ ...onChain, active: !onChain.active })}
            disabled={step !== "idle"}
          >
            {busyLabel && !outdated ? busyLabel : onChain.active ? "Pause sales" : "Resume sales"}
          </Button>
        </div>
        <FormError message={task.error} />
      </div>
    );
  } else if (!chain)
    body = (
      <p className="text-muted-foreground">
        No chain is configured on this server (set CHAIN_RPC_URL and the contract addresses, or use npm start&apos;s
        local chain).
      </p>
    );
  else if (!latest) body = <p className="text-muted-foreground">Publish a version first.</p>;
  else if (latest.payees.length === 0)
    body = <p className="text-muted-foreground">Publish a version with payees to list it on-chain.</p>;
  else
    body = (
      <div className="space-y-3">
        <p data-testid="listing-status">
          Not on-chain yet. Listing registers version {latest.version} at {formatWei(latest.priceWei)} per run with its
          payees, from your wallet.
        </p>
        <PayeeSplit priceWei={BigInt(latest.priceWei)} payees={latest.payees} feeBps={platformFeeBps} />
        <Button onClick={() => void list()} disabled={step !== "idle"}>
          {busyLabel ?? "List on-chain"}
        </Button>
        <FormError message={task.error} />
      </div>
    );

  return (
    <Card>
      <CardHeader>
        <CardTitle>On-chain listing</CardTitle>
      </CardHeader>
      <CardContent className="text-sm">{body}</CardContent>
    </Card>
  );
}
