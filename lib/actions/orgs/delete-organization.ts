"use server";

import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { deleteOrganizationRecords } from "@/db/queries/erasure";
import { lockMemberships } from "@/db/queries/organizations";
import { defineAuthAction } from "@/lib/actions/define-action";
import { requireOrgPermission } from "@/lib/auth/org-role";
import { fieldError } from "@/lib/errors";

/**
 * Deletes an organisation (owners only; its name typed to confirm): members, invitations,
 * keys, credits, webhooks and its trail go; its purchases and run records stay (payment
 * records and receipts), without it. The deletion is on the owner's own trail.
 */
export const deleteOrganizationAction = defineAuthAction(
  "delete-organization",
  z.object({ orgId: z.uuid(), confirm: z.string().max(200) }),
  async (input, { db, user }) =>
    db.transaction(async (tx) => {
      const org = await requireOrgPermission(tx, { orgId: input.orgId, userId: user.id, permission: "owners.manage" });
      if (input.confirm.trim() !== org.name) throw fieldError("confirm", `Type the organisation's name, ${org.name}.`);
      await lockMemberships(tx, input.orgId);
      await deleteOrganizationRecords(tx, input.orgId);
      await createAuditEntry(tx, {
        actorUserId: user.id,
        action: "org.deleted",
        targetType: "organization",
        targetId: input.orgId,
        metadata: { name: org.name },
      });
      return { deleted: true };
    }),
);
