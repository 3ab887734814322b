import Link from "next/link";
import type { Metadata } from "next";
import { getAddress } from "viem";
import { LinkWalletButton } from "@/components/settings/link-wallet-button";
import { SignOutButton } from "@/components/settings/sign-out-button";
import { UnlinkWalletButton } from "@/components/settings/unlink-wallet-button";
import { SecurityCard } from "@/components/settings/security-card";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { getPasswordHash } from "@/db/queries/users";
import { isEmailVerified } from "@/db/queries/email-tokens";
import { VerifyEmailButton } from "@/components/settings/verify-email-button";
import { getDb } from "@/lib/db";
import { listWalletsForUser } from "@/db/queries/wallets";
import { requirePageUser } from "@/lib/auth/session";
import { isOperator } from "@/lib/auth/operator";
import { listDataExports } from "@/db/queries/data-exports";
import { DataExport } from "@/components/settings/data-export";
import { EraseAccount } from "@/components/settings/erase-account";
import { KEPT_AFTER_ERASURE } from "@/db/queries/erasure";
import { formatDate } from "@/lib/format";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const user = await requirePageUser("/settings");
  const db = await getDb();
  const [wallets, passwordHash, verified, exports, operator] = await Promise.all([
    listWalletsForUser(db, { userId: user.id }),
    getPasswordHash(db, { userId: user.id }),
    isEmailVerified(db, { userId: user.id }),
    listDataExports(db, { userId: user.id }),
    isOperator(db, user.id),
  ]);
  const hasPassword = Boolean(passwordHash);
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-3xl font-bold tracking-tight">Settings</h1>
        {operator ? (
          <Link href="/operator" className="touch-target ml-auto text-sm text-primary hover:underline">
            Operator console →
          </Link>
        ) : null}
        <Link
          href="/settings/activity"
          className={`touch-target text-sm text-primary hover:underline${operator ? "" : " ml-auto"}`}
        >
          My activity →
        </Link>
      </div>
      <Card>
        <CardHeader>
          <CardTitle>Account</CardTitle>
        </CardHeader>
        <CardContent className="space-y-1 text-sm">
          <p>
            Name: <span className="font-medium">{user.name ?? "—"}</span>
          </p>
          <p>
            Email: <span className="font-medium">{user.email ?? "none (wallet account)"}</span>
            {user.email ? (
              <span className="ml-2 text-muted-foreground" data-testid="email-status">
                {verified ? "confirmed" : "not confirmed yet: open the link we mailed you"}
              </span>
            ) : null}
          </p>
          {user.email && !verified ? <VerifyEmailButton /> : null}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Wallets</CardTitle>
          <p className="text-sm text-muted-foreground">
            Linked wallets can sign you in, receive your earnings and pay for runs.
          </p>
        </CardHeader>
        <CardContent className="space-y-4">
          {wallets.length === 0 ? (
            <p className="text-sm text-muted-foreground">No wallet linked yet.</p>
          ) : (
            <ul className="divide-y rounded-md border" aria-label="Linked wallets">
              {wallets.map((w) => (
                <li key={w.id} className="flex items-center gap-3 p-3">
                  <code className="min-w-0 flex-1 truncate text-sm" data-testid="wallet-address">
                    {getAddress(w.address)}
                  </code>
                  <span className="text-xs text-muted-foreground">since {formatDate(w.createdAt)}</span>
                  <UnlinkWalletButton walletId={w.id} />
                </li>
              ))}
            </ul>
          )}
          <LinkWalletButton />
        </CardContent>
      </Card>
      <SecurityCard hasPassword={hasPassword} />
      <SignOutButton />
      <Card>
        <CardHeader>
          <CardTitle>Your data</CardTitle>
          <p className="text-sm text-muted-foreground">
            A zip of everything we hold about your account (profile, wallets, agents and versions, knowledge documents,
            your runs with their inputs and outputs, purchases, ratings, your activity) as JSON and CSV. Prepared in the
            background; one a day; downloadable once.
          </p>
        </CardHeader>
        <CardContent>
          <DataExport exports={exports} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Erase my account</CardTitle>
        </CardHeader>
        <CardContent>
          <EraseAccount kept={KEPT_AFTER_ERASURE} hasPassword={hasPassword} />
        </CardContent>
      </Card>
    </div>
  );
}
