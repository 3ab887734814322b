import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AuditTrail } from "@/components/audit/audit-trail";
import { listMembers } from "@/db/queries/organizations";
import { trailView } from "@/lib/audit/trail";
import { requireOrgPage } from "@/lib/auth/org-page";

export const metadata: Metadata = { title: "Activity" };

/** An organisation's audit trail, for the roles that read it (owners and admins), with filters and CSV. */
export default async function OrgActivityPage({
  params,
  searchParams,
}: {
  params: Promise<{ orgId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { orgId } = await params;
  const path = `/orgs/${orgId}/activity`;
  const { user, db, org, may } = await requireOrgPage(orgId, path);
  if (!may("audit.read")) notFound();
  const [trail, members] = await Promise.all([
    trailView(db, { orgId }, await searchParams),
    listMembers(db, { orgId, requesterId: user.id }),
  ]);
  return (
    <div className="mx-auto max-w-5xl space-y-6">
      <Link href={`/orgs/${orgId}`} className="touch-target text-sm text-muted-foreground hover:underline">
        ← {org.name}
      </Link>
      <h1 className="text-3xl font-bold tracking-tight">Activity</h1>
      <AuditTrail
        title="Audit trail"
        path={path}
        csvQuery={`org=${orgId}`}
        {...trail}
        actors={members.map((m) => ({ id: m.userId, label: m.name ?? m.email ?? m.userId }))}
      />
    </div>
  );
}
