"use server";

import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { requireOrgPermission } from "@/lib/auth/org-role";
import { recordPurchaseEvent } from "@/db/queries/purchases";
import { listWalletsForUser } from "@/db/queries/wallets";
import { resolveChainConfig } from "@/lib/chain/config";
import { confirmedHead, publishPurchase } from "@/lib/chain/indexer";
import { readPurchaseEvent } from "@/lib/chain/purchase-receipt";
import { defineAuthAction } from "@/lib/actions/define-action";
import { AppError } from "@/lib/errors";

const schema = z.object({
  orgId: z.uuid(),
  txHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "That is not a transaction hash."),
});

/**
 * Assigns a confirmed purchase to the organisation the buyer chose. The event is read
 * from the chain; the buyer wallet must be linked to the caller, whose role must allow purchases.
 * Recording is idempotent with the indexer: the credits are granted exactly once.
 */
export const confirmPurchaseAction = defineAuthAction("confirm-purchase", schema, async (input, { db, user }) => {
  await requireOrgPermission(db, { orgId: input.orgId, userId: user.id, permission: "purchases.make" });
  const config = resolveChainConfig();
  if (!config) throw new AppError("CHAIN_UNAVAILABLE", "No chain is configured on this server.");
  const event = await readPurchaseEvent(config, input.txHash as `0x${string}`);
  if (event.blockNumber > (await confirmedHead(config))) {
    throw new AppError(
      "CONFLICT",
      `The purchase needs ${config.confirmations} confirmations before its credits count. Try again in a minute.`,
    );
  }
  const wallets = await listWalletsForUser(db, { userId: user.id });
  if (!wallets.some((w) => w.address === event.buyer.toLowerCase())) {
    throw new AppError("FORBIDDEN", "This purchase was paid from a wallet that is not linked to your account.");
  }
  const outcome = await db.transaction(async (tx) => {
    const outcome = await recordPurchaseEvent(tx, event, input.orgId);
    if (outcome.creditsGranted) {
      await createAuditEntry(tx, {
        actorUserId: user.id,
        orgId: input.orgId,
        action: "purchase.confirmed",
        targetType: "purchase",
        targetId: event.txHash,
        metadata: { runs: Number(event.runs), amountWei: event.amount.toString() },
      });
    }
    return outcome;
  });
  if (outcome.recorded || outcome.creditsGranted) publishPurchase(outcome);
  return { runs: Number(event.runs), creditsGranted: outcome.creditsGranted, txHash: event.txHash };
});
