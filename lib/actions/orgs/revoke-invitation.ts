"use server";

import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { revokeInvitation } from "@/db/queries/invitations";
import { requireOrgPermission } from "@/lib/auth/org-role";
import { defineAuthAction } from "@/lib/actions/define-action";
import { AppError } from "@/lib/errors";

export const revokeInvitationAction = defineAuthAction(
  "revoke-invitation",
  z.object({ orgId: z.uuid(), invitationId: z.uuid() }),
  async (input, { db, user }) =>
    db.transaction(async (tx) => {
      await requireOrgPermission(tx, { orgId: input.orgId, userId: user.id, permission: "members.manage" });
      const revoked = await revokeInvitation(tx, input);
      if (!revoked) throw new AppError("NOT_FOUND", "That invitation is not open.");
      await createAuditEntry(tx, {
        actorUserId: user.id,
        orgId: input.orgId,
        action: "invitation.revoked",
        targetType: "invitation",
        targetId: input.invitationId,
      });
      return revoked;
    }),
);
