import type { Metadata } from "next";
import Link from "next/link";
import { InviteMemberForm } from "@/components/orgs/invite-member-form";
import { DeleteOrganization } from "@/components/orgs/delete-organization";
import { DataExport } from "@/components/settings/data-export";
import { listDataExports } from "@/db/queries/data-exports";
import { appOrigin } from "@/lib/http/app-origin";
import { MemberRoleSelect, RemoveMemberButton, RevokeInvitationButton } from "@/components/orgs/member-actions";
import { Badge, Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { listAuditEntriesForOrg } from "@/db/queries/audit-log";
import { listPendingInvitations } from "@/db/queries/invitations";
import { listMembers } from "@/db/queries/organizations";
import { listOrgPurchases } from "@/db/queries/purchases";
import { requireOrgPage } from "@/lib/auth/org-page";
import { ORG_ROLE_LABELS, ORG_ROLES } from "@/lib/auth/permissions";
import { formatDate, formatWei } from "@/lib/format";

export const metadata: Metadata = { title: "Organisation" };

export default async function OrganizationPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const { user, db, org, may } = await requireOrgPage(orgId, `/orgs/${orgId}`);
  const managesMembers = may("members.manage");
  const managesOwners = may("owners.manage");
  // The roles this viewer may give: an admin cannot make owners.
  const grantable = ORG_ROLES.filter((r) => managesOwners || r !== "owner").map((r) => ({
    value: r,
    label: ORG_ROLE_LABELS[r].label,
  }));
  /** Whether this viewer may change or remove `m` (an owner only by an owner; never themselves here). */
  const manages = (m: { userId: string; role: string }) =>
    managesMembers && m.userId !== user.id && (m.role !== "owner" || managesOwners);
  const [members, invitations, activity, purchases, exports] = await Promise.all([
    listMembers(db, { orgId, requesterId: user.id }),
    managesMembers ? listPendingInvitations(db, { orgId }) : Promise.resolve([]),
    may("audit.read") ? listAuditEntriesForOrg(db, { orgId, limit: 20 }) : Promise.resolve([]),
    listOrgPurchases(db, { orgId, requesterId: user.id }),
    may("data.export") ? listDataExports(db, { userId: user.id, orgId }) : Promise.resolve([]),
  ]);

  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <Link href="/orgs" className="text-sm text-muted-foreground hover:underline">
        ← Organisations
      </Link>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-3xl font-bold tracking-tight">{org.name}</h1>
        <Badge>{org.role}</Badge>
        <Link href={`/orgs/${orgId}/api`} className="ml-auto text-sm text-primary hover:underline">
          API keys and usage →
        </Link>
        <Link href={`/orgs/${orgId}/webhooks`} className="text-sm text-primary hover:underline">
          Webhooks →
        </Link>
      </div>
      <Card>
        <CardHeader>
          <CardTitle>Members</CardTitle>
        </CardHeader>
        <CardContent>
          <ul className="divide-y rounded-md border" aria-label="Members">
            {members.map((m) => (
              <li key={m.userId} className="flex items-center gap-3 p-3">
                <div className="min-w-0 flex-1">
                  <p className="font-medium">{m.name ?? m.email}</p>
                  <p className="truncate text-xs text-muted-foreground">{m.email ?? "wallet account"}</p>
                </div>
                {manages(m) ? (
                  <>
                    <MemberRoleSelect
                      orgId={orgId}
                      userId={m.userId}
                      label={m.name ?? m.email ?? "member"}
                      role={m.role}
                      roles={grantable}
                    />
                    <RemoveMemberButton orgId={orgId} userId={m.userId} label={m.name ?? m.email ?? "member"} />
                  </>
                ) : (
                  <Badge title={ORG_ROLE_LABELS[m.role].description}>{ORG_ROLE_LABELS[m.role].label}</Badge>
                )}
              </li>
            ))}
          </ul>
        </CardContent>
      </Card>
      {managesMembers ? (
        <Card>
          <CardHeader>
            <CardTitle>Invite a member</CardTitle>
          </CardHeader>
          <CardContent className="space-y-4">
            <InviteMemberForm orgId={orgId} origin={appOrigin()} roles={grantable} />
            {invitations.length > 0 ? (
              <div>
                <h3 className="mb-2 text-sm font-medium">Pending invitations</h3>
                <ul className="divide-y rounded-md border" aria-label="Pending invitations">
                  {invitations.map((inv) => (
                    <li key={inv.id} className="flex items-center gap-3 p-3 text-sm">
                      <span className="flex-1">{inv.email}</span>
                      <Badge>{ORG_ROLE_LABELS[inv.role].label}</Badge>
                      <span className="text-xs text-muted-foreground">expires {formatDate(inv.expiresAt)}</span>
                      <RevokeInvitationButton orgId={orgId} invitationId={inv.id} />
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </CardContent>
        </Card>
      ) : null}
      <Card>
        <CardHeader>
          <CardTitle>Purchases and run credits</CardTitle>
        </CardHeader>
        <CardContent>
          {purchases.length === 0 ? (
            <p className="text-sm text-muted-foreground">
              No purchases yet. Buy runs from an agent&apos;s page in the marketplace.
            </p>
          ) : (
            <ul className="divide-y rounded-md border text-sm" aria-label="Purchases">
              {purchases.map((p) => (
                <li key={p.id} className="flex flex-wrap items-center gap-3 p-3">
                  <span className="font-medium">{p.agentName ?? "Unknown agent"}</span>
                  <span data-testid="credits-left">
                    {p.granted === null
                      ? `${p.runs} runs (no credits: agent not known here)`
                      : `${p.granted - (p.used ?? 0)} of ${p.granted} runs left`}
                  </span>
                  <span>{formatWei(p.amountWei)}</span>
                  <code className="min-w-0 flex-1 truncate text-xs text-muted-foreground" title={p.txHash}>
                    {p.txHash}
                  </code>
                  <span className="text-xs text-muted-foreground">{formatDate(p.createdAt)}</span>
                </li>
              ))}
            </ul>
          )}
        </CardContent>
      </Card>
      {may("audit.read") ? (
        <Card>
          <CardHeader>
            <CardTitle>Recent activity</CardTitle>
            <Link href={`/orgs/${orgId}/activity`} className="text-sm text-link">
              The whole trail, with filters and CSV →
            </Link>
          </CardHeader>
          <CardContent>
            <ul className="space-y-1 text-sm" aria-label="Activity">
              {activity.map((a) => (
                <li key={a.id} className="flex gap-3">
                  <span className="w-28 shrink-0 text-muted-foreground">{formatDate(a.createdAt)}</span>
                  <span>
                    {a.actorName ?? a.actorEmail ?? "someone"} · {a.action}
                  </span>
                </li>
              ))}
            </ul>
          </CardContent>
        </Card>
      ) : null}
      {may("data.export") ? (
        <Card>
          <CardHeader>
            <CardTitle>Organisation data</CardTitle>
            <p className="text-sm text-muted-foreground">
              Members, invitations, API keys (without their secrets), credits, purchases, runs with their inputs and
              outputs, webhooks and the activity trail, as a zip of JSON and CSV. Prepared in the background; once a
              day; downloadable once, by you.
            </p>
          </CardHeader>
          <CardContent>
            <DataExport orgId={orgId} exports={exports} />
          </CardContent>
        </Card>
      ) : null}
      {managesOwners ? (
        <Card>
          <CardHeader>
            <CardTitle>Delete organisation</CardTitle>
          </CardHeader>
          <CardContent>
            <DeleteOrganization orgId={orgId} name={org.name} />
          </CardContent>
        </Card>
      ) : null}
    </div>
  );
}
