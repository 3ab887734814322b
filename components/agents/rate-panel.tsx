"use client";

import { useRouter } from "next/navigation";
import { useRef } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { Select, Textarea } from "@/components/ui/input";
import { confirmRatingAction } from "@/lib/actions/market/confirm-rating";
import { useChainWallet } from "@/components/wallet/chain-wallet";
import { useWalletTask } from "@/components/wallet/use-wallet-task";
import type { PublicChain } from "@/lib/chain/config";
import { WalletError } from "@/lib/wallet/errors";
import { loadWallet } from "@/lib/wallet/load";

type Rateable = { purchaseId: string; buyer: string; runs: number };

/** Rates the agent on-chain for one of the caller's own unrated purchases. */
export function RatePanel({
  chain,
  rateable,
  signedIn,
}: {
  chain: PublicChain;
  rateable: Rateable[];
  signedIn: boolean;
}) {
  const router = useRouter();
  const wallet = useChainWallet();
  // Uncontrolled fields: a choice made before the page's scripts load survives hydration.
  const formRef = useRef<HTMLFormElement>(null);
  const task = useWalletTask<"rating">();

  if (!signedIn || rateable.length === 0) {
    return (
      <p className="text-sm text-muted-foreground" data-testid="rate-why-not">
        Only a wallet that bought runs of this agent can rate it, once per purchase
        {signedIn ? "; none of your linked wallets has an unrated purchase." : "."}
      </p>
    );
  }

  async function rate() {
    const fields = new FormData(formRef.current!);
    const purchaseId = String(fields.get("purchaseId") ?? "");
    const score = String(fields.get("score") ?? "5");
    const review = String(fields.get("review") ?? "").trim();
    await task.run("rating", async () => {
      const purchase = rateable.find((r) => r.purchaseId === purchaseId)!;
      const account = await wallet.requireAccount({ as: purchase.buyer, why: "which paid for this purchase" });
      const rt = await loadWallet();
      const receipt = await rt.sendAndConfirmTransaction({
        account,
        transaction: rt.prepareRate(rt.reputationOf(chain), { purchaseId: BigInt(purchaseId), score: Number(score) }),
      });
      // The rating is on-chain now; the server reads it back and stores the review with it.
      const confirmed = await confirmRatingAction({ txHash: receipt.transactionHash, review: review || undefined });
      if (!confirmed.ok)
        throw new WalletError(`Your rating is on-chain, but the review was not saved: ${confirmed.error.message}`);
      formRef.current?.reset();
      router.refresh();
    });
  }

  return (
    <form
      ref={formRef}
      method="post"
      className="space-y-2"
      onSubmit={(event) => {
        event.preventDefault();
        void rate();
      }}
    >
      <div className="flex gap-2">
        <Select aria-label="Purchase to rate" name="purchaseId" defaultValue={rateable[0]?.purchaseId}>
          {rateable.map((r) => (
            <option key={r.purchaseId} value={r.purchaseId}>
              Purchase #{r.purchaseId} ({r.runs} runs)
            </option>
          ))}
        </Select>
        <Select aria-label="Score" name="score" className="w-24" defaultValue="5">
          {[5, 4, 3, 2, 1].map((s) => (
            <option key={s} value={s}>
              {s} ★
            </option>
          ))}
        </Select>
      </div>
      <Textarea
        aria-label="Review (optional)"
        placeholder="What did it do well or badly? (optional)"
        maxLength={1000}
        rows={3}
        name="review"
      />
      <Button type="submit" size="sm" disabled={task.busy}>
        {task.busy ? "Rating…" : "Rate"}
      </Button>
      <FormError message={task.error} />
    </form>
  );
}
