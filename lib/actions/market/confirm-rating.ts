"use server";

import { z } from "zod";
import { addRatingReview, recordRatingEvent } from "@/db/queries/ratings";
import { listWalletsForUser } from "@/db/queries/wallets";
import { resolveChainConfig } from "@/lib/chain/config";
import { readRatingEvent } from "@/lib/chain/rating-receipt";
import { defineAuthAction } from "@/lib/actions/define-action";
import { AppError } from "@/lib/errors";

const schema = z.object({
  txHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "That is not a transaction hash."),
  review: z
    .string()
    .trim()
    .max(1000, "Keep the review under 1,000 characters.")
    .optional()
    .transform((v) => (v ? v : undefined)),
});

/**
 * Records a confirmed on-chain rating right away (the indexer would find it too) and
 * attaches the rater's review text. The rating is read from the chain; the rating wallet
 * must be linked to the caller.
 */
export const confirmRatingAction = defineAuthAction("confirm-rating", schema, async (input, { db, user }) => {
  const config = resolveChainConfig();
  if (!config) throw new AppError("CHAIN_UNAVAILABLE", "No chain is configured on this server.");
  const event = await readRatingEvent(config, input.txHash as `0x${string}`);
  const wallets = await listWalletsForUser(db, { userId: user.id });
  if (!wallets.some((w) => w.address === event.rater.toLowerCase())) {
    throw new AppError("FORBIDDEN", "This rating was given by a wallet that is not linked to your account.");
  }
  return db.transaction(async (tx) => {
    await recordRatingEvent(tx, event);
    const reviewed = input.review
      ? await addRatingReview(tx, {
          chainId: config.chainId,
          txHash: event.txHash,
          userId: user.id,
          review: input.review,
        })
      : false;
    return { score: event.score, reviewed };
  });
});
