import type { Metadata } from "next";
import Link from "next/link";
import { AuditTrail } from "@/components/audit/audit-trail";
import { trailView } from "@/lib/audit/trail";
import { requireOperatorPage } from "@/lib/auth/operator";

export const metadata: Metadata = { title: "Platform activity" };

/**
 * The whole platform's trail, for operators: their own actions (`operator.`), threat
 * detection's blocks (`threat.`), sign-ins, and everything else; with filters and CSV.
 */
export default async function PlatformActivityPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { db } = await requireOperatorPage("/operator/activity");
  const trail = await trailView(db, { platform: true }, await searchParams);
  return (
    <div className="mx-auto max-w-5xl space-y-6">
      <Link href="/operator" className="touch-target text-sm text-muted-foreground hover:underline">
        ← Operator console
      </Link>
      <h1 className="text-3xl font-bold tracking-tight">Platform activity</h1>
      <AuditTrail title="Platform audit trail" path="/operator/activity" csvQuery="platform" {...trail} />
    </div>
  );
}
