"use server";

import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { deleteMembership, getMemberRole } from "@/db/queries/organizations";
import { requireOrgPermission } from "@/lib/auth/org-role";
import { defineAuthAction } from "@/lib/actions/define-action";
import { AppError } from "@/lib/errors";
import { membershipRefusal } from "./membership-rules";

/** Removes a member (owners and admins; only an owner removes an owner; never the last owner). */
export const removeMemberAction = defineAuthAction(
  "remove-member",
  z.object({ orgId: z.uuid(), userId: z.uuid() }),
  async (input, { db, user }) =>
    db.transaction(async (tx) => {
      await requireOrgPermission(tx, { orgId: input.orgId, userId: user.id, permission: "members.manage" });
      if ((await getMemberRole(tx, { orgId: input.orgId, userId: input.userId })) === "owner")
        await requireOrgPermission(tx, { orgId: input.orgId, userId: user.id, permission: "owners.manage" });
      const removed = await deleteMembership(tx, { orgId: input.orgId, memberUserId: input.userId });
      if (!removed.ok) throw new AppError("CONFLICT", membershipRefusal(removed.reason));
      await createAuditEntry(tx, {
        actorUserId: user.id,
        orgId: input.orgId,
        action: "member.removed",
        targetType: "user",
        targetId: input.userId,
        metadata: { role: removed.from },
      });
      return { userId: removed.userId, role: removed.from };
    }),
);
