"use server";

import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { getAgentByIdForOwner, publishAgentVersion } from "@/db/queries/agents";
import { listKnowledgeDocuments } from "@/db/queries/knowledge";
import { listingSchema } from "@/lib/agents/draft";
import { agentSpecSchema } from "@/lib/agents/spec";
import { defineAuthAction } from "@/lib/actions/define-action";
import { hashCanonical } from "@/lib/canonical-json";
import { AppError } from "@/lib/errors";

const schema = listingSchema.extend({
  agentId: z.uuid(),
  changelog: z.string().trim().min(1, "Say what changed in this version.").max(500, "Use at most 500 characters."),
});

/**
 * Freezes the saved draft into version N+1 with its price and payees. The knowledge
 * documents of the moment are frozen with it, so later draft edits never change it.
 */
export const publishVersionAction = defineAuthAction("publish-version", schema, async (input, { db, user }) =>
  db.transaction(async (tx) => {
    const agent = await getAgentByIdForOwner(tx, { agentId: input.agentId, ownerId: user.id });
    if (!agent) throw new AppError("NOT_FOUND", "Agent not found.");
    const parsed = agentSpecSchema.safeParse(agent.draftSpec);
    if (!parsed.success) throw new AppError("INVALID_INPUT", "The draft has errors; fix them in the builder first.");
    const draft = parsed.data;
    if (!draft.code && !draft.model) {
      throw new AppError("INVALID_INPUT", "Add handler code or pick a model before publishing.");
    }
    const documents = await listKnowledgeDocuments(tx, { agentId: agent.id });
    const spec = { ...draft, knowledgeDocumentIds: documents.map((d) => d.id) };
    const payees = input.payees.map((p) => ({ address: p.address.toLowerCase(), shareBps: p.shareBps }));
    const version = await publishAgentVersion(tx, {
      agentId: agent.id,
      ownerId: user.id,
      spec,
      specHash: hashCanonical(spec),
      changelog: input.changelog,
      priceWei: input.priceWei,
      payees,
    });
    if (!version) throw new AppError("NOT_FOUND", "Agent not found.");
    await createAuditEntry(tx, {
      actorUserId: user.id,
      action: "agent.published",
      targetType: "agent",
      targetId: agent.id,
      metadata: { version: version.version, priceWei: input.priceWei },
    });
    return version;
  }),
);
