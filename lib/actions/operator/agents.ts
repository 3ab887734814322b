"use server";

import { z } from "zod";
import type { Db } from "@/db/client";
import { createAuditEntry } from "@/db/queries/audit-log";
import { setAgentUnlisted } from "@/db/queries/operator";
import { defineOperatorAction } from "@/lib/actions/define-action";
import { resolveChainConfig } from "@/lib/chain/config";
import { setListingSuspendedOnChain } from "@/lib/chain/platform-owner";
import { AppError, isAppError } from "@/lib/errors";
import { operatorReason } from "./schemas";

/**
 * Unlists an agent, or lists it again, here and on-chain. Here, in one transaction with its
 * audit entry: hidden from the marketplace and the galaxy, API runs refused (problem
 * `agent-unlisted`), the creator shown the reason. Then its on-chain listing is suspended
 * (or the suspension lifted) with the marketplace owner's key, so nobody can pay for runs
 * that would be refused; that transaction is on the trail too. Asking again for the state
 * the agent is in changes nothing here and retries the chain (after it failed).
 */
async function setUnlisted(db: Db, operatorId: string, input: { agentId: string; unlisted: boolean; reason?: string }) {
  const agent = await db.transaction(async (tx) => {
    const changed = await setAgentUnlisted(tx, { ...input, now: new Date() });
    if (!changed) throw new AppError("NOT_FOUND", "There is no such agent.");
    if (changed.changed)
      await createAuditEntry(tx, {
        actorUserId: operatorId,
        action: input.unlisted ? "operator.agent_unlisted" : "operator.agent_relisted",
        targetType: "agent",
        targetId: changed.id,
        metadata: { slug: changed.slug, ...(input.unlisted ? { reason: input.reason } : {}) },
      });
    return changed;
  });
  const base = { agentId: agent.id, changed: agent.changed };
  const config = resolveChainConfig();
  if (!config || agent.listingId === null || agent.listingChainId !== config.chainId)
    return { ...base, onChain: "not listed" as const };
  try {
    const sent = await setListingSuspendedOnChain(config, BigInt(agent.listingId), input.unlisted);
    if (sent)
      await createAuditEntry(db, {
        actorUserId: operatorId,
        action: input.unlisted ? "operator.listing_suspended" : "operator.listing_unsuspended",
        targetType: "agent",
        targetId: agent.id,
        metadata: { chainId: config.chainId, listingId: agent.listingId, txHash: sent.txHash },
      });
    return { ...base, onChain: input.unlisted ? ("suspended" as const) : ("lifted" as const) };
  } catch (error) {
    // Unlisted (or listed) here all the same; asking again retries the chain.
    const reason = isAppError(error) ? error.message : "The chain could not be reached.";
    return { ...base, onChain: "failed" as const, onChainError: reason };
  }
}

/** Unlists an agent (here and on-chain); see setUnlisted. */
export const unlistAgentAction = defineOperatorAction(
  "unlist-agent",
  z.object({ agentId: z.uuid(), reason: operatorReason }),
  async (input, { db, user }) => setUnlisted(db, user.id, { ...input, unlisted: true }),
);

/** Lists an unlisted agent again (here and on-chain); see setUnlisted. */
export const relistAgentAction = defineOperatorAction(
  "relist-agent",
  z.object({ agentId: z.uuid() }),
  async (input, { db, user }) => setUnlisted(db, user.id, { ...input, unlisted: false }),
);
