"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { sendAndConfirmTransaction } from "thirdweb";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { prepareWithdraw } from "@/lib/chain/contracts";
import { toChainError } from "@/lib/chain/errors";
import { useChainWallet } from "@/components/wallet/chain-wallet";
import { browserMarketplace, WalletError, type PublicChain } from "@/lib/wallet/thirdweb";

/** Withdraws a wallet's whole balance of one token from the marketplace, signed by that wallet. */
export function WithdrawButton({ wallet, token, chain, claimable }: { wallet: string; token: `0x${string}`; chain: PublicChain; claimable: boolean }) {
  const router = useRouter();
  const chainWallet = useChainWallet();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [txHash, setTxHash] = useState<string>();

  async function withdraw() {
    setPending(true);
    setError(undefined);
    try {
      const account = await chainWallet.requireAccount({ as: wallet, why: "whose balance this is" });
      const receipt = await sendAndConfirmTransaction({ account, transaction: prepareWithdraw(browserMarketplace(chain), { token }) });
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
