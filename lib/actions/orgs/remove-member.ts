"use server";

import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { deleteMembership } from "@/db/queries/organizations";
import { requireOrgRole } from "@/lib/auth/org-role";
import { defineAuthAction } from "@/lib/actions/define-action";
import { AppError } from "@/lib/errors";

export const removeMemberAction = defineAuthAction(
  "remove-member",
  z.object({ orgId: z.uuid(), userId: z.uuid() }),
  async (input, { db, user }) =>
    db.transaction(async (tx) => {
      await requireOrgRole(tx, { orgId: input.orgId, userId: user.id, role: "owner" });
      const removed = await deleteMembership(tx, {
        orgId: input.orgId,
        memberUserId: input.userId,
        actorUserId: user.id,
      });
      if (!removed) {
        throw new AppError("CONFLICT", "That person is not a member, or is the last owner of this organisation.");
      }
      await createAuditEntry(tx, {
        actorUserId: user.id,
        orgId: input.orgId,
        action: "member.removed",
        targetType: "user",
        targetId: input.userId,
      });
      return removed;
    }),
);
