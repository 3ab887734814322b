"use server";

import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { setAgentUnlisted } from "@/db/queries/operator";
import { defineOperatorAction } from "@/lib/actions/define-action";
import { AppError } from "@/lib/errors";
import { operatorReason } from "./schemas";

/**
 * Unlists an agent: hidden from the marketplace and the galaxy, its API runs refused
 * (problem `agent-unlisted`), its creator shown the reason; on the trail with it.
 */
export const unlistAgentAction = defineOperatorAction(
  "unlist-agent",
  z.object({ agentId: z.uuid(), reason: operatorReason }),
  async (input, { db, user }) =>
    db.transaction(async (tx) => {
      const agent = await setAgentUnlisted(tx, {
        agentId: input.agentId,
        unlisted: true,
        reason: input.reason,
        now: new Date(),
      });
      if (!agent) throw new AppError("CONFLICT", "There is no such agent, or it is unlisted already.");
      await createAuditEntry(tx, {
        actorUserId: user.id,
        action: "operator.agent_unlisted",
        targetType: "agent",
        targetId: agent.id,
        metadata: { slug: agent.slug, reason: input.reason },
      });
      return { agentId: agent.id };
    }),
);

/** Lists an unlisted agent again; on the trail with it. */
export const relistAgentAction = defineOperatorAction(
  "relist-agent",
  z.object({ agentId: z.uuid() }),
  async (input, { db, user }) =>
    db.transaction(async (tx) => {
      const agent = await setAgentUnlisted(tx, { agentId: input.agentId, unlisted: false, now: new Date() });
      if (!agent) throw new AppError("CONFLICT", "There is no such agent, or it is listed already.");
      await createAuditEntry(tx, {
        actorUserId: user.id,
        action: "operator.agent_relisted",
        targetType: "agent",
        targetId: agent.id,
        metadata: { slug: agent.slug },
      });
      return { agentId: agent.id };
    }),
);
