import { and, desc, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../client";
import { invitations, organizations, type MembershipRole } from "../schema";

export async function createInvitation(
  db: Db,
  params: {
    orgId: string;
    email: string;
    role: MembershipRole;
    tokenHash: string;
    invitedBy: string;
    expiresAt: Date;
  },
) {
  const [row] = await db.insert(invitations).values(params).returning({
    id: invitations.id,
    email: invitations.email,
    role: invitations.role,
    expiresAt: invitations.expiresAt,
  });
  return row!;
}

/** Open (not accepted, not revoked, not expired) invitations of an organisation. */
export async function listPendingInvitations(db: Db, params: { orgId: string; now?: Date }) {
  return db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      createdAt: invitations.createdAt,
    })
    .from(invitations)
    .where(
      and(
        eq(invitations.orgId, params.orgId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, params.now ?? new Date()),
      ),
    )
    .orderBy(desc(invitations.createdAt))
    .limit(200);
}

/** What the invitation page shows: the invitation and its organisation's name. */
export async function getInvitationByTokenHash(db: Db, params: { tokenHash: string }) {
  const [row] = await db
    .select({
      id: invitations.id,
      orgId: invitations.orgId,
      orgName: organizations.name,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      acceptedAt: invitations.acceptedAt,
      revokedAt: invitations.revokedAt,
    })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .where(eq(invitations.tokenHash, params.tokenHash))
    .limit(1);
  return row;
}

/**
 * Marks an open invitation accepted by `userId`, only if it was addressed to `email`.
 * A single UPDATE, so an invitation link can be used once.
 */
export async function markInvitationAccepted(
  db: Db,
  params: { tokenHash: string; userId: string; email: string; now?: Date },
) {
  const now = params.now ?? new Date();
  const [row] = await db
    .update(invitations)
    .set({ acceptedAt: now, acceptedBy: params.userId })
    .where(
      and(
        eq(invitations.tokenHash, params.tokenHash),
        eq(invitations.email, params.email),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, now),
      ),
    )
    .returning({ orgId: invitations.orgId, role: invitations.role });
  return row;
}

export async function revokeInvitation(db: Db, params: { orgId: string; invitationId: string }) {
  const [row] = await db
    .update(invitations)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(invitations.id, params.invitationId),
        eq(invitations.orgId, params.orgId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    )
    .returning({ id: invitations.id });
  return row;
}

/** Whether an invitation can still be accepted. */
export function isInvitationOpen(
  invitation: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date },
  now: Date = new Date(),
): boolean {
  return !invitation.acceptedAt && !invitation.revokedAt && invitation.expiresAt.getTime() > now.getTime();
}
