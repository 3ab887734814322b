"use server";

import { z } from "zod";
import { getAgentByIdForOwner } from "@/db/queries/agents";
import { removeKnowledgeDocument } from "@/db/queries/knowledge";
import { defineAuthAction } from "@/lib/actions/define-action";
import { AppError } from "@/lib/errors";

export const removeKnowledgeAction = defineAuthAction(
  "remove-knowledge",
  z.object({ agentId: z.uuid(), documentId: z.uuid() }),
  async (input, { db, user }) =>
    db.transaction(async (tx) => {
      const agent = await getAgentByIdForOwner(tx, { agentId: input.agentId, ownerId: user.id });
      if (!agent) throw new AppError("NOT_FOUND", "Agent not found.");
      const removed = await removeKnowledgeDocument(tx, { agentId: agent.id, documentId: input.documentId });
      if (!removed) throw new AppError("NOT_FOUND", "Document not found.");
      return removed;
    }),
);
