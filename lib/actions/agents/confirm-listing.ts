"use server";

import { z } from "zod";
import { getAgentByIdForOwner } from "@/db/queries/agents";
import { createAuditEntry } from "@/db/queries/audit-log";
import { attachListingPurchases, setAgentListing } from "@/db/queries/purchases";
import { listWalletsForUser } from "@/db/queries/wallets";
import { resolveChainConfig } from "@/lib/chain/config";
import { readRegisteredListing } from "@/lib/chain/listing-receipt";
import { defineAuthAction } from "@/lib/actions/define-action";
import { AppError, isUniqueViolation } from "@/lib/errors";

const schema = z.object({
  agentId: z.uuid(),
  txHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "That is not a transaction hash."),
});

/**
 * After the creator's wallet registered the listing, ties it to the agent — once the
 * chain confirms that the transaction registered a listing from one of the creator's
 * linked wallets.
 */
export const confirmListingAction = defineAuthAction("confirm-listing", schema, async (input, { db, user }) => {
  const config = resolveChainConfig();
  if (!config) throw new AppError("CHAIN_UNAVAILABLE", "No chain is configured on this server.");
  const agent = await getAgentByIdForOwner(db, { agentId: input.agentId, ownerId: user.id });
  if (!agent) throw new AppError("NOT_FOUND", "Agent not found.");
  const listing = await readRegisteredListing(config, input.txHash as `0x${string}`);
  const wallets = await listWalletsForUser(db, { userId: user.id });
  if (!wallets.some((w) => w.address === listing.creator)) {
    throw new AppError(
      "FORBIDDEN",
      "The listing was registered from a wallet that is not linked to your account. Link it in Settings first.",
    );
  }
  try {
    return await db.transaction(async (tx) => {
      const updated = await setAgentListing(tx, {
        agentId: agent.id,
        ownerId: user.id,
        chainId: config.chainId,
        listingId: listing.listingId,
      });
      if (!updated) throw new AppError("NOT_FOUND", "Agent not found.");
      // Purchases indexed before this confirmation get their agent and credits now.
      await attachListingPurchases(tx, { chainId: config.chainId, listingId: listing.listingId, agentId: agent.id });
      await createAuditEntry(tx, {
        actorUserId: user.id,
        action: "agent.listed",
        targetType: "agent",
        targetId: agent.id,
        metadata: { listingId: listing.listingId.toString(), txHash: input.txHash },
      });
      return { listingId: listing.listingId.toString() };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", "That listing already belongs to another agent.");
    throw error;
  }
});
