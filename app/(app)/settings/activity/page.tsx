import type { Metadata } from "next";
import Link from "next/link";
import { AuditTrail } from "@/components/audit/audit-trail";
import { trailView } from "@/lib/audit/trail";
import { requirePageUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export const metadata: Metadata = { title: "My activity" };

/**
 * One's own trail: sign-ins and failed sign-ins to the account, password, email and wallet
 * changes, and what one did as a creator (agents) or member; with filters and CSV.
 */
export default async function MyActivityPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requirePageUser("/settings/activity");
  const trail = await trailView(await getDb(), { userId: user.id }, await searchParams);
  return (
    <div className="mx-auto max-w-5xl space-y-6">
      <Link href="/settings" className="touch-target text-sm text-muted-foreground hover:underline">
        ← Settings
      </Link>
      <h1 className="text-3xl font-bold tracking-tight">My activity</h1>
      <AuditTrail title="Your audit trail" path="/settings/activity" csvQuery="" {...trail} />
    </div>
  );
}
