"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { sendAndConfirmTransaction } from "thirdweb";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { Select } from "@/components/ui/input";
import { prepareRate } from "@/lib/chain/contracts";
import { toChainError } from "@/lib/chain/errors";
import { connectInjectedAccountAs, reputationOf, type PublicChain } from "@/lib/wallet/thirdweb-browser";
import { WalletError } from "@/lib/wallet/injected";

type Rateable = { purchaseId: string; buyer: string; runs: number };

/** Rates the agent on-chain for one of the caller's own unrated purchases. */
export function RatePanel({ chain, rateable, signedIn }: { chain: PublicChain; rateable: Rateable[]; signedIn: boolean }) {
  const router = useRouter();
  const [purchaseId, setPurchaseId] = useState(rateable[0]?.purchaseId ?? "");
  const [score, setScore] = useState("5");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();

  if (!signedIn || rateable.length === 0) {
    return (
      <p className="text-sm text-muted-foreground" data-testid="rate-why-not">
        Only a wallet that bought runs of this agent can rate it, once per purchase{signedIn ? "; none of your linked wallets has an unrated purchase." : "."}
      </p>
    );
  }

  async function rate() {
    setPending(true);
    setError(undefined);
    try {
      const purchase = rateable.find((r) => r.purchaseId === purchaseId)!;
      const { account } = await connectInjectedAccountAs(chain, purchase.buyer, "which paid for this purchase");
      await sendAndConfirmTransaction({ account, transaction: prepareRate(reputationOf(chain), { purchaseId: BigInt(purchaseId), score: Number(score) }) });
      router.refresh();
    } catch (e) {
      setError(e instanceof WalletError ? e.message : toChainError(e).message);
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="space-y-2">
      <div className="flex gap-2">
        <Select aria-label="Purchase to rate" value={purchaseId} onChange={(e) => setPurchaseId(e.target.value)}>
          {rateable.map((r) => (
            <option key={r.purchaseId} value={r.purchaseId}>
              Purchase #{r.purchaseId} ({r.runs} runs)
            </option>
          ))}
        </Select>
        <Select aria-label="Score" className="w-24" value={score} onChange={(e) => setScore(e.target.value)}>
          {[5, 4, 3, 2, 1].map((s) => (
            <option key={s} value={s}>
              {s} ★
            </option>
          ))}
        </Select>
      </div>
      <Button size="sm" onClick={() => void rate()} disabled={pending}>
        {pending ? "Rating…" : "Rate"}
      </Button>
      <FormError message={error} />
    </div>
  );
}
