"use server";

import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { isEmailVerified } from "@/db/queries/email-tokens";
import { getInvitationByTokenHash, markInvitationAccepted } from "@/db/queries/invitations";
import { addMembership } from "@/db/queries/organizations";
import { hashToken } from "@/lib/auth/tokens";
import { defineAuthAction } from "@/lib/actions/define-action";
import { AppError } from "@/lib/errors";

/**
 * Accepts an invitation for the signed-in user. The account's email must be the one the
 * invitation was sent to: a leaked link alone does not let a stranger join.
 */
export const acceptInvitationAction = defineAuthAction(
  "accept-invitation",
  z.object({ token: z.string().min(20).max(100) }),
  async (input, { db, user }) =>
    db.transaction(async (tx) => {
      const tokenHash = hashToken(input.token);
      const invitation = await getInvitationByTokenHash(tx, { tokenHash });
      if (!invitation) throw new AppError("NOT_FOUND", "This invitation does not exist.");
      if (invitation.email !== user.email) {
        throw new AppError(
          "FORBIDDEN",
          `This invitation was sent to ${invitation.email}. Sign in with that email to accept it.`,
        );
      }
      // The address must be proven, not only typed at sign-up: anyone can sign up as anyone.
      if (!(await isEmailVerified(tx, { userId: user.id, email: invitation.email }))) {
        throw new AppError(
          "FORBIDDEN",
          `Confirm your email address first: open the link we sent to ${user.email} (Settings can send it again).`,
        );
      }
      const accepted = await markInvitationAccepted(tx, { tokenHash, userId: user.id, email: user.email });
      if (!accepted) throw new AppError("CONFLICT", "This invitation has expired, was revoked or was already used.");
      await addMembership(tx, { orgId: accepted.orgId, userId: user.id, role: accepted.role });
      await createAuditEntry(tx, {
        actorUserId: user.id,
        orgId: accepted.orgId,
        action: "member.joined",
        targetType: "user",
        targetId: user.id,
        metadata: { role: accepted.role },
      });
      return { orgId: accepted.orgId };
    }),
);
