"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { confirmPurchaseAction } from "@/lib/actions/market/confirm-purchase";
import { formatWei } from "@/lib/format";
import { useChainWallet } from "@/components/wallet/chain-wallet";
import { useWalletTask } from "@/components/wallet/use-wallet-task";
import type { PublicChain } from "@/lib/chain/config";
import { WalletError } from "@/lib/wallet/errors";
import { loadWallet } from "@/lib/wallet/load";

type Org = { id: string; name: string };

/** Buy runs of a listed agent for one of the member's organisations, from their wallet. */
export function BuyPanel({
  slug,
  priceWei,
  listingId,
  chain,
  orgs,
  signedIn,
}: {
  slug: string;
  priceWei: string;
  listingId: string;
  chain: PublicChain;
  orgs: Org[];
  signedIn: boolean;
}) {
  const router = useRouter();
  const wallet = useChainWallet();
  const [orgId, setOrgId] = useState(orgs[0]?.id ?? "");
  const [runs, setRuns] = useState("10");
  const task = useWalletTask<"wallet" | "pending">();
  const [done, setDone] = useState<{ runs: number; txHash: string; org: string }>();

  if (!signedIn) {
    return (
      <p className="text-sm">
        <Link href={`/sign-in?callbackUrl=${encodeURIComponent(`/agents/${slug}`)}`} className="text-link">
          Sign in
        </Link>{" "}
        to buy runs for your organisation.
      </p>
    );
  }
  if (orgs.length === 0) {
    return (
      <p className="text-sm">
        Runs are bought for an organisation.{" "}
        <Link href="/orgs" className="text-link">
          Create one
        </Link>{" "}
        first.
      </p>
    );
  }

  const count = /^\d{1,7}$/.test(runs) ? Number(runs) : 0;
  const total = BigInt(priceWei) * BigInt(count);

  async function buy() {
    setDone(undefined);
    if (count < 1) {
      task.fail("Buy at least one run.");
      return;
    }
    await task.run("wallet", async (next) => {
      const account = await wallet.requireAccount();
      const rt = await loadWallet();
      const balance = await rt.balanceOf(chain, account.address);
      if (balance < total) {
        throw new WalletError(
          `Too little balance: your wallet holds ${formatWei(balance)} and this purchase costs ${formatWei(total)} plus gas. Add funds or buy fewer runs.`,
        );
      }
      const transaction = rt.preparePurchase(rt.browserMarketplace(chain), {
        listingId: BigInt(listingId),
        runs: BigInt(count),
        value: total,
        // The total shown to the buyer: if the creator raised the price meanwhile, nothing is charged.
        maxTotal: total,
      });
      next("pending");
      const receipt = await rt.sendAndConfirmTransaction({ account, transaction });
      const confirmed = await confirmPurchaseAction({ orgId, txHash: receipt.transactionHash });
      if (!confirmed.ok) throw new WalletError(confirmed.error.message);
      setDone({
        runs: confirmed.data.runs,
        txHash: receipt.transactionHash,
        org: orgs.find((o) => o.id === orgId)?.name ?? "",
      });
      router.refresh();
    });
  }

  return (
    <div className="space-y-3">
      <Field id="buy-org" label="Organisation">
        <Select value={orgId} onChange={(e) => setOrgId(e.target.value)}>
          {orgs.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </Select>
      </Field>
      <Field id="buy-runs" label="Runs">
        <Input inputMode="numeric" value={runs} onChange={(e) => setRuns(e.target.value)} />
      </Field>
      <p className="text-sm" data-testid="buy-total">
        Total: <strong>{formatWei(total)}</strong>
      </p>
      <Button className="w-full" onClick={() => void buy()} disabled={task.busy}>
        {task.step === "wallet"
          ? "Confirm in your wallet…"
          : task.step === "pending"
            ? "Pending on-chain…"
            : "Buy runs"}
      </Button>
      <FormError message={task.error} />
      {done ? (
        <p role="status" className="rounded-md bg-green-50 p-2 text-sm text-green-900" data-testid="buy-confirmed">
          Confirmed: {done.runs} runs for {done.org}. Transaction <code className="break-all">{done.txHash}</code>
        </p>
      ) : null}
    </div>
  );
}
