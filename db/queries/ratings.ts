import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { createAuditEntry } from "./audit-log";
import { getUserByWallet } from "./users";
import { agents, ratings, users, wallets } from "../schema";

export type RatingEvent = {
  chainId: number;
  txHash: string;
  logIndex: number;
  blockNumber: bigint;
  /** The block's hash, to notice a reorganisation later; absent when the reader does not give it. */
  blockHash?: string;
  listingId: bigint;
  purchaseId: bigint;
  rater: string;
  score: number;
};

/**
 * Records one `Rated` event. Idempotent: the same log (or a second log for the same
 * purchase, which the contract never emits) is ignored.
 */
export async function recordRatingEvent(db: Db, event: RatingEvent): Promise<{ recorded: boolean }> {
  const [agent] = await db
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.listingChainId, event.chainId), eq(agents.listingId, event.listingId.toString())))
    .limit(1);
  const inserted = await db
    .insert(ratings)
    .values({
      chainId: event.chainId,
      txHash: event.txHash.toLowerCase(),
      logIndex: event.logIndex,
      blockNumber: event.blockNumber,
      blockHash: event.blockHash?.toLowerCase() ?? null,
      listingId: event.listingId.toString(),
      onchainPurchaseId: event.purchaseId.toString(),
      agentId: agent?.id ?? null,
      raterAddress: event.rater.toLowerCase(),
      score: event.score,
    })
    .onConflictDoNothing()
    .returning({ id: ratings.id });
  if (inserted.length) {
    const rater = await getUserByWallet(db, { address: event.rater });
    await createAuditEntry(db, {
      actorUserId: rater?.id ?? null,
      action: "rating.recorded",
      targetType: "agent",
      targetId: agent?.id,
      metadata: { score: event.score, wallet: event.rater.toLowerCase(), txHash: event.txHash },
    });
  }
  return { recorded: inserted.length > 0 };
}

/**
 * Attaches review text to a recorded rating, once, and only for the account whose linked
 * wallet gave the rating. Returns false when there is no such rating or it already has a review.
 */
export async function addRatingReview(
  db: Db,
  params: { chainId: number; txHash: string; userId: string; review: string },
): Promise<boolean> {
  const own = db.select({ address: wallets.address }).from(wallets).where(eq(wallets.userId, params.userId));
  const updated = await db
    .update(ratings)
    .set({ review: params.review, reviewerUserId: params.userId })
    .where(
      and(
        eq(ratings.chainId, params.chainId),
        eq(ratings.txHash, params.txHash.toLowerCase()),
        isNull(ratings.review),
        inArray(ratings.raterAddress, own),
      ),
    )
    .returning({ id: ratings.id });
  return updated.length > 0;
}

/** Ratings with review text for an agent, newest first, with the reviewer's display name. */
export async function listAgentReviews(db: Db, params: { agentId: string; limit?: number }) {
  return db
    .select({
      id: ratings.id,
      score: ratings.score,
      review: ratings.review,
      raterAddress: ratings.raterAddress,
      reviewerName: users.name,
      txHash: ratings.txHash,
      createdAt: ratings.createdAt,
    })
    .from(ratings)
    .leftJoin(users, eq(users.id, ratings.reviewerUserId))
    .where(and(eq(ratings.agentId, params.agentId), sql`${ratings.review} is not null`))
    .orderBy(desc(ratings.createdAt), desc(ratings.id))
    .limit(Math.min(params.limit ?? 20, 100));
}

/**
 * Takes back ratings a reorganisation removed (those in the given blocks), review text
 * included, so reputation counts only ratings on the chain; the event is indexed again if
 * the new chain includes it. Returns how many ratings were removed.
 */
export async function revertRatingsInBlocks(db: Db, params: { chainId: number; blockNumbers: bigint[] }) {
  if (!params.blockNumbers.length) return 0;
  const deleted = await db
    .delete(ratings)
    .where(and(eq(ratings.chainId, params.chainId), inArray(ratings.blockNumber, params.blockNumbers)))
    .returning({ id: ratings.id });
  return deleted.length;
}
