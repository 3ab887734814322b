"use server";

import { createApiKey, listKeyableAgents } from "@/db/queries/api-keys";
import { createAuditEntry } from "@/db/queries/audit-log";
import { requireOrgPermission } from "@/lib/auth/org-role";
import { defineAuthAction } from "@/lib/actions/define-action";
import { generateApiKey } from "@/lib/api/keys";
import { fieldError } from "@/lib/errors";
import { apiKeyFormInput, createApiKeySchema } from "./schemas";

/**
 * Creates an organisation API key (roles with api_keys.manage). The secret is in this one response and
 * nowhere else: the database keeps its SHA-256 and a visible prefix, the audit log the
 * key's settings.
 */
export const createApiKeyAction = defineAuthAction(
  "create-api-key",
  createApiKeySchema,
  async (input, { db, user }) =>
    db.transaction(async (tx) => {
      await requireOrgPermission(tx, { orgId: input.orgId, userId: user.id, permission: "api_keys.manage" });
      const keyable = await listKeyableAgents(tx, { orgId: input.orgId });
      const agentIds = [...new Set(input.agentIds)];
      if (!agentIds.every((id) => keyable.some((a) => a.id === id))) {
        throw fieldError("agentIds", "Keys can run only agents your organisation has bought runs of.");
      }
      if (input.pinnedVersionId) {
        const owner = keyable.find((a) => a.versions.some((v) => v.id === input.pinnedVersionId));
        if (!owner || !agentIds.includes(owner.id))
          throw fieldError("pinnedVersionId", "Pin a version of one of the key's agents.");
      }
      const generated = generateApiKey();
      const key = await createApiKey(tx, {
        orgId: input.orgId,
        name: input.name,
        prefix: generated.prefix,
        keyHash: generated.hash,
        agentIds,
        rateLimitPerMinute: input.rateLimitPerMinute,
        monthlyRunCap: input.monthlyRunCap,
        pinnedVersionId: input.pinnedVersionId,
        createdBy: user.id,
      });
      await createAuditEntry(tx, {
        actorUserId: user.id,
        orgId: input.orgId,
        action: "api_key.created",
        targetType: "api_key",
        targetId: key.id,
        metadata: {
          name: key.name,
          prefix: key.prefix,
          agents: keyable.filter((a) => agentIds.includes(a.id)).map((a) => a.slug),
          rateLimitPerMinute: key.rateLimitPerMinute,
          monthlyRunCap: key.monthlyRunCap,
          pinnedVersionId: key.pinnedVersionId,
        },
      });
      return { id: key.id, name: key.name, prefix: key.prefix, agentIds, secret: generated.secret };
    }),
  { fromForm: apiKeyFormInput },
);
