"use server";

import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { createInvitation } from "@/db/queries/invitations";
import { listMembers } from "@/db/queries/organizations";
import { requireOrgPermission } from "@/lib/auth/org-role";
import { ORG_ROLES } from "@/lib/auth/permissions";
import { emailSchema } from "@/lib/auth/credentials";
import { createSecretToken } from "@/lib/auth/tokens";
import { defineAuthAction } from "@/lib/actions/define-action";
import { fieldError } from "@/lib/errors";

const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const schema = z.object({
  orgId: z.uuid(),
  email: emailSchema,
  role: z.enum(ORG_ROLES).default("viewer"),
});

/**
 * Invites someone by email with a role (owners and admins; only owners invite owners). Returns the invitation link path once; only the token's
 * hash is stored, so the link cannot be recovered from the database.
 */
export const inviteMemberAction = defineAuthAction("invite-member", schema, async (input, { db, user }) =>
  db.transaction(async (tx) => {
    await requireOrgPermission(tx, { orgId: input.orgId, userId: user.id, permission: "members.manage" });
    // Only an owner makes owners.
    if (input.role === "owner")
      await requireOrgPermission(tx, { orgId: input.orgId, userId: user.id, permission: "owners.manage" });
    const members = await listMembers(tx, { orgId: input.orgId, requesterId: user.id });
    if (members.some((m) => m.email === input.email)) {
      throw fieldError("email", "This person is already a member.");
    }
    const { token, hash } = createSecretToken();
    const invitation = await createInvitation(tx, {
      orgId: input.orgId,
      email: input.email,
      role: input.role,
      tokenHash: hash,
      invitedBy: user.id,
      expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
    });
    await createAuditEntry(tx, {
      actorUserId: user.id,
      orgId: input.orgId,
      action: "member.invited",
      targetType: "invitation",
      targetId: invitation.id,
      metadata: { email: input.email, role: input.role },
    });
    return { ...invitation, path: `/invite/${token}` };
  }),
);
