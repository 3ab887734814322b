import type { Metadata } from "next";
import Link from "next/link";
import { getAddress } from "viem";
import { WithdrawButton } from "@/components/payouts/withdraw-button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/lib/db";
import { listEarningsForOwner } from "@/db/queries/purchases";
import { listWalletsForUser } from "@/db/queries/wallets";
import { requirePageUser } from "@/lib/auth/session";
import { formatTokenAmount, readClaimableBalances } from "@/lib/chain/balances";
import { publicChainConfig, resolveChainConfig } from "@/lib/chain/config";
import { formatDate, formatWei } from "@/lib/format";

export const metadata: Metadata = { title: "Payouts" };

export default async function PayoutsPage() {
  const user = await requirePageUser("/payouts");
  const db = await getDb();
  const [wallets, earnings] = await Promise.all([
    listWalletsForUser(db, { userId: user.id }),
    listEarningsForOwner(db, { ownerId: user.id }),
  ]);
  const config = resolveChainConfig();
  const balances = config
    ? await readClaimableBalances(
        config,
        wallets.map((w) => w.address),
        earnings.map((e) => e.token),
      )
    : [];
  const chainDown = balances.some((b) => b.amount === null);
  const tokens = new Map(balances.map((b) => [b.token.address.toLowerCase(), b.token]));
  const formatPaid = (amountWei: string, token: string) => {
    const info = tokens.get(token.toLowerCase());
    return info ? formatTokenAmount(BigInt(amountWei), info) : formatWei(amountWei);
  };
  const chain = config ? publicChainConfig(config) : null;

  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Payouts</h1>
      <Card>
        <CardHeader>
          <CardTitle>Claimable balances</CardTitle>
          <p className="text-sm text-muted-foreground">
            Your share of every purchase is credited on-chain to your payee wallets; withdraw it any time.
          </p>
        </CardHeader>
        <CardContent className="space-y-3 text-sm">
          {!config ? <p className="text-muted-foreground">No chain is configured on this server.</p> : null}
          {chainDown ? (
            <p role="alert" className="text-destructive">
              The chain is not reachable right now.
            </p>
          ) : null}
          {config && wallets.length === 0 ? (
            <p>
              Link a wallet in{" "}
              <Link href="/settings" className="text-primary hover:underline">
                Settings
              </Link>{" "}
              to receive and withdraw earnings.
            </p>
          ) : null}
          <ul className="divide-y rounded-md border" aria-label="Balances">
            {balances.map((b) => (
              <li key={`${b.address}-${b.token.address}`} className="flex flex-wrap items-center gap-3 p-3">
                <code className="min-w-0 flex-1 truncate">{getAddress(b.address)}</code>
                <span className="font-semibold" data-testid="claimable">
                  {b.amount === null ? `— ${b.token.symbol}` : formatTokenAmount(b.amount, b.token)}
                </span>
                {chain && b.amount !== null ? (
                  <WithdrawButton
                    wallet={getAddress(b.address)}
                    token={b.token.address}
                    chain={chain}
                    claimable={b.amount > 0n}
                  />
                ) : null}
              </li>
            ))}
          </ul>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Earnings history</CardTitle>
          <p className="text-sm text-muted-foreground">
            Purchases of your listed agents, as paid by buyers (before the platform fee and other payees).
          </p>
        </CardHeader>
        <CardContent>
          {earnings.length === 0 ? (
            <p className="text-sm text-muted-foreground">No purchases of your agents yet.</p>
          ) : (
            <ul className="divide-y rounded-md border text-sm" aria-label="Earnings">
              {earnings.map((e) => (
                <li key={e.id} className="flex flex-wrap items-center gap-3 p-3">
                  <span className="font-medium">{e.agentName}</span>
                  <span>{e.runs} runs</span>
                  <span>{formatPaid(e.amountWei, e.token)}</span>
                  <code className="min-w-0 flex-1 truncate text-xs text-muted-foreground">{e.txHash}</code>
                  <span className="text-xs text-muted-foreground">{formatDate(e.createdAt)}</span>
                </li>
              ))}
            </ul>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
