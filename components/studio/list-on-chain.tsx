"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { sendAndConfirmTransaction } from "thirdweb";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { FormError } from "@/components/ui/field";
import { confirmListingAction } from "@/lib/actions/agents/confirm-listing";
import { NATIVE_TOKEN, prepareRegisterListing } from "@/lib/chain/contracts";
import { toChainError } from "@/lib/chain/errors";
import { formatWei } from "@/lib/format";
import { WalletError } from "@/lib/wallet/injected";
import { browserMarketplace, connectInjectedAccount, type PublicChain } from "@/lib/wallet/thirdweb-browser";

type Version = { version: number; priceWei: string; payees: { address: string; shareBps: number }[] };

/**
 * Registers the latest version's price and payees as a listing on AgentMarketplace from
 * the creator's own wallet, then has the server confirm it from the chain.
 */
export function ListOnChain({
  agentId,
  listingId,
  chain,
  latest,
}: {
  agentId: string;
  listingId: string | null;
  chain: PublicChain | null;
  latest: Version | null;
}) {
  const router = useRouter();
  const [step, setStep] = useState<"idle" | "wallet" | "confirming">("idle");
  const [error, setError] = useState<string>();

  async function list() {
    if (!chain || !latest) return;
    setError(undefined);
    setStep("wallet");
    try {
      const { account } = await connectInjectedAccount(chain);
      const transaction = prepareRegisterListing(browserMarketplace(chain), {
        token: NATIVE_TOKEN,
        pricePerRun: BigInt(latest.priceWei),
        payees: latest.payees.map((p) => ({ account: p.address as `0x${string}`, shareBps: p.shareBps })),
      });
      setStep("confirming");
      const receipt = await sendAndConfirmTransaction({ account, transaction });
      const confirmed = await confirmListingAction({ agentId, txHash: receipt.transactionHash });
      if (!confirmed.ok) throw new WalletError(confirmed.error.message);
      router.refresh();
    } catch (e) {
      setError(e instanceof WalletError ? e.message : toChainError(e).message);
    } finally {
      setStep("idle");
    }
  }

  let body: React.ReactNode;
  if (listingId) body = <p data-testid="listing-status">Listed on-chain as listing #{listingId}.</p>;
  else if (!chain) body = <p className="text-muted-foreground">No chain is configured on this server (set CHAIN_RPC_URL and the contract addresses, or use npm start&apos;s local chain).</p>;
  else if (!latest) body = <p className="text-muted-foreground">Publish a version first.</p>;
  else if (latest.payees.length === 0) body = <p className="text-muted-foreground">Publish a version with payees to list it on-chain.</p>;
  else
    body = (
      <div className="space-y-3">
        <p data-testid="listing-status">
          Not on-chain yet. Listing registers version {latest.version} at {formatWei(latest.priceWei)} per run with its payees, from your wallet.
        </p>
        <Button onClick={() => void list()} disabled={step !== "idle"}>
          {step === "wallet" ? "Waiting for your wallet…" : step === "confirming" ? "Confirming on-chain…" : "List on-chain"}
        </Button>
        <FormError message={error} />
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
