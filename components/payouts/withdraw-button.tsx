"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { sendAndConfirmTransaction } from "thirdweb";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { NATIVE_TOKEN, prepareWithdraw } from "@/lib/chain/contracts";
import { toChainError } from "@/lib/chain/errors";
import { WalletError } from "@/lib/wallet/injected";
import { browserMarketplace, connectInjectedAccountAs, type PublicChain } from "@/lib/wallet/thirdweb-browser";

/** Withdraws a wallet's whole balance from the marketplace, signed by that wallet. */
export function WithdrawButton({ wallet, chain, claimable }: { wallet: string; chain: PublicChain; claimable: boolean }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [txHash, setTxHash] = useState<string>();

  async function withdraw() {
    setPending(true);
    setError(undefined);
    try {
      const { account } = await connectInjectedAccountAs(chain, wallet, "whose balance this is");
      const receipt = await sendAndConfirmTransaction({ account, transaction: prepareWithdraw(browserMarketplace(chain), { token: NATIVE_TOKEN }) });
      setTxHash(receipt.transactionHash);
      router.refresh();
    } catch (e) {
      setError(e instanceof WalletError ? e.message : toChainError(e).message);
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="space-y-1 text-right">
      {claimable || pending ? (
        <Button size="sm" onClick={() => void withdraw()} disabled={pending}>
          {pending ? "Withdrawing…" : "Withdraw"}
        </Button>
      ) : null}
      <FormError message={error} />
      {txHash ? (
        <p className="text-xs text-muted-foreground">
          Withdrawn in <code data-testid="withdraw-tx">{txHash}</code>
        </p>
      ) : null}
    </div>
  );
}
