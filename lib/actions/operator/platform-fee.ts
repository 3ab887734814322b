"use server";

import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { defineOperatorAction } from "@/lib/actions/define-action";
import { resolveChainConfig } from "@/lib/chain/config";
import { setPlatformFee } from "@/lib/chain/platform-owner";
import { AppError } from "@/lib/errors";

/**
 * Sets the platform fee of future purchases on the AgentMarketplace contract (its owner's
 * setFeeBps); on the trail once the transaction is confirmed.
 */
export const setPlatformFeeAction = defineOperatorAction(
  "set-platform-fee",
  z.object({ feeBps: z.coerce.number().int("Whole basis points.").min(0, "At least 0.").max(10_000) }),
  async (input, { db, user }) => {
    const config = resolveChainConfig();
    if (!config) throw new AppError("CHAIN_UNAVAILABLE", "No chain is configured.");
    const changed = await setPlatformFee(config, input.feeBps);
    await createAuditEntry(db, {
      actorUserId: user.id,
      action: "operator.platform_fee_set",
      targetType: "contract",
      targetId: config.marketplace,
      metadata: { chainId: config.chainId, ...changed },
    });
    return changed;
  },
);
