"use server";

import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { changeMemberRole, getMemberRole } from "@/db/queries/organizations";
import { requireOrgPermission } from "@/lib/auth/org-role";
import { ORG_ROLES } from "@/lib/auth/permissions";
import { defineAuthAction } from "@/lib/actions/define-action";
import { AppError } from "@/lib/errors";
import { membershipRefusal } from "./membership-rules";

/**
 * Gives a member another role (owners and admins). Only an owner grants the owner role or
 * changes an owner's; the last owner keeps it, however many such changes run at once.
 */
export const changeMemberRoleAction = defineAuthAction(
  "change-member-role",
  z.object({ orgId: z.uuid(), userId: z.uuid(), role: z.enum(ORG_ROLES) }),
  async (input, { db, user }) =>
    db.transaction(async (tx) => {
      await requireOrgPermission(tx, { orgId: input.orgId, userId: user.id, permission: "members.manage" });
      const current = await getMemberRole(tx, { orgId: input.orgId, userId: input.userId });
      if (current === "owner" || input.role === "owner")
        await requireOrgPermission(tx, { orgId: input.orgId, userId: user.id, permission: "owners.manage" });
      const changed = await changeMemberRole(tx, { orgId: input.orgId, memberUserId: input.userId, role: input.role });
      if (!changed.ok) throw new AppError("CONFLICT", membershipRefusal(changed.reason));
      if (changed.from !== changed.to)
        await createAuditEntry(tx, {
          actorUserId: user.id,
          orgId: input.orgId,
          action: "member.role_changed",
          targetType: "user",
          targetId: input.userId,
          metadata: { from: changed.from, to: changed.to },
        });
      return { userId: changed.userId, role: input.role };
    }),
);
