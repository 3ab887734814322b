"use server";

import { z } from "zod";
import { revokeApiKey } from "@/db/queries/api-keys";
import { createAuditEntry } from "@/db/queries/audit-log";
import { requireOrgPermission } from "@/lib/auth/org-role";
import { defineAuthAction } from "@/lib/actions/define-action";
import { AppError } from "@/lib/errors";

/** Revokes an organisation API key (roles with api_keys.manage); requests with it are refused from now on. */
export const revokeApiKeyAction = defineAuthAction(
  "revoke-api-key",
  z.object({ orgId: z.uuid(), keyId: z.uuid() }),
  async (input, { db, user }) =>
    db.transaction(async (tx) => {
      await requireOrgPermission(tx, { orgId: input.orgId, userId: user.id, permission: "api_keys.manage" });
      const key = await revokeApiKey(tx, input);
      if (!key) throw new AppError("NOT_FOUND", "That key does not exist or is already revoked.");
      await createAuditEntry(tx, {
        actorUserId: user.id,
        orgId: input.orgId,
        action: "api_key.revoked",
        targetType: "api_key",
        targetId: key.id,
        metadata: { name: key.name, prefix: key.prefix },
      });
      return { id: key.id };
    }),
);
