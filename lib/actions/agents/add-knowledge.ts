"use server";

import { z } from "zod";
import { getAgentByIdForOwner } from "@/db/queries/agents";
import { createKnowledgeDocument } from "@/db/queries/knowledge";
import { chunkDocument } from "@/lib/agents/knowledge/chunk";
import { defineAuthAction } from "@/lib/actions/define-action";
import { AppError } from "@/lib/errors";

const MAX_KNOWLEDGE_BYTES = 1_000_000;

const schema = z.object({
  agentId: z.uuid(),
  title: z.string().trim().min(1, "Give the document a title.").max(200),
  format: z.enum(["text", "markdown", "csv", "json"]),
  content: z
    .string()
    .min(1, "The document is empty.")
    .refine((c) => Buffer.byteLength(c) <= MAX_KNOWLEDGE_BYTES, "Documents can be at most 1 MB."),
});

/** Adds a knowledge document to an agent: chunked and indexed for knowledge_search. */
export const addKnowledgeAction = defineAuthAction("add-knowledge", schema, async (input, { db, user }) => {
  const chunks = chunkDocument(input.content, input.format);
  if (chunks.length === 0)
    throw new AppError("INVALID_INPUT", "The document has no text to index.", {
      fieldErrors: { content: ["The document has no text to index."] },
    });
  return db.transaction(async (tx) => {
    const agent = await getAgentByIdForOwner(tx, { agentId: input.agentId, ownerId: user.id });
    if (!agent) throw new AppError("NOT_FOUND", "Agent not found.");
    return createKnowledgeDocument(tx, {
      agentId: agent.id,
      title: input.title,
      format: input.format,
      bytes: Buffer.byteLength(input.content),
      chunks,
    });
  });
});
