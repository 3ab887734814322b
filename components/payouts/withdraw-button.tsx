"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { useChainWallet } from "@/components/wallet/chain-wallet";
import { useWalletTask } from "@/components/wallet/use-wallet-task";
import type { PublicChain } from "@/lib/chain/config";
import { loadWallet } from "@/lib/wallet/load";

/** Withdraws a wallet's whole balance of one token from the marketplace, signed by that wallet. */
export function WithdrawButton({
  wallet,
  token,
  chain,
  claimable,
}: {
  wallet: string;
  token: `0x${string}`;
  chain: PublicChain;
  claimable: boolean;
}) {
  const router = useRouter();
  const chainWallet = useChainWallet();
  const task = useWalletTask<"withdrawing">();
  const [txHash, setTxHash] = useState<string>();

  async function withdraw() {
    await task.run("withdrawing", async () => {
      const account = await chainWallet.requireAccount({ as: wallet, why: "whose balance this is" });
      const rt = await loadWallet();
      const receipt = await rt.sendAndConfirmTransaction({
        account,
        transaction: rt.prepareWithdraw(rt.browserMarketplace(chain), { token }),
      });
      setTxHash(receipt.transactionHash);
      router.refresh();
    });
  }

  return (
    <div className="min-w-0 max-w-full space-y-1 text-right">
      {claimable || task.busy ? (
        <Button size="sm" onClick={() => void withdraw()} disabled={task.busy}>
          {task.busy ? "Withdrawing…" : "Withdraw"}
        </Button>
      ) : null}
      <FormError message={task.error} />
      {txHash ? (
        <p className="text-xs text-muted-foreground">
          Withdrawn in{" "}
          <code data-testid="withdraw-tx" className="break-all">
            {txHash}
          </code>
        </p>
      ) : null}
    </div>
  );
}
