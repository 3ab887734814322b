"use server";

import { z } from "zod";
import { updateAgentDraft } from "@/db/queries/agents";
import { draftSchema, splitDraft } from "@/lib/agents/draft";
import { defineAuthAction } from "@/lib/actions/define-action";
import { AppError } from "@/lib/errors";

const schema = draftSchema.and(z.object({ agentId: z.uuid() }));

/** Autosave of the studio builder: validates everything, then stores the draft. */
export const saveDraftAction = defineAuthAction("save-draft", schema, async (input, { db, user }) => {
  const { details, spec } = splitDraft(input);
  const saved = await updateAgentDraft(db, { agentId: input.agentId, ownerId: user.id, ...details, draftSpec: spec });
  if (!saved) throw new AppError("NOT_FOUND", "Agent not found.");
  return { updatedAt: saved.updatedAt.toISOString() };
});
