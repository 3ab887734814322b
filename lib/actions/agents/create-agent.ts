"use server";

import { createAuditEntry } from "@/db/queries/audit-log";
import { createAgent } from "@/db/queries/agents";
import { agentDetailsSchema, agentSpecSchema } from "@/lib/agents/spec";
import { defineAuthAction } from "@/lib/actions/define-action";
import { isUniqueViolation } from "@/lib/errors";
import { slugify, slugWithSuffix } from "@/lib/slug";

/** Creates a draft agent owned by the signed-in creator, with a default spec. */
export const createAgentAction = defineAuthAction("create-agent", agentDetailsSchema, async (input, { db, user }) => {
  for (let attempt = 0; ; attempt++) {
    const slug = attempt === 0 ? slugify(input.name) : slugWithSuffix(input.name);
    try {
      return await db.transaction(async (tx) => {
        const agent = await createAgent(tx, {
          ownerId: user.id,
          slug,
          ...input,
          draftSpec: agentSpecSchema.parse({}),
        });
        await createAuditEntry(tx, {
          actorUserId: user.id,
          action: "agent.created",
          targetType: "agent",
          targetId: agent.id,
        });
        return agent;
      });
    } catch (error) {
      if (!isUniqueViolation(error, "agents_slug_key") || attempt >= 4) throw error;
    }
  }
});
