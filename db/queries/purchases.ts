import { and, count, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { agents, chainCursors, credits, memberships, purchases, wallets } from "../schema";

export type PurchaseEvent = {
  chainId: number;
  txHash: string;
  logIndex: number;
  blockNumber: bigint;
  purchaseId: bigint;
  listingId: bigint;
  buyer: string;
  runs: bigint;
  amount: bigint;
  token: string;
};

/**
 * The organisation a buyer wallet buys for: the wallet's account's organisation when it
 * has exactly one. Anything else is ambiguous and left for the buyer to assign.
 */
async function resolveBuyerOrg(db: Db, buyer: string): Promise<string | null> {
  const rows = await db
    .select({ orgId: memberships.orgId })
    .from(wallets)
    .innerJoin(memberships, eq(memberships.userId, wallets.userId))
    .where(eq(wallets.address, buyer.toLowerCase()))
    .limit(2);
  return rows.length === 1 ? rows[0]!.orgId : null;
}

/**
 * Records one `Purchased` event and the credits it grants, at most once: the purchase
 * insert is unique on (chain, tx hash, log index), and credits are only written when
 * that insert took place. Run inside a transaction.
 */
export async function recordPurchaseEvent(
  db: Db,
  event: PurchaseEvent,
  /** The organisation the buyer chose in the app, when known (already authorised). */
  chosenOrgId?: string,
): Promise<{ recorded: boolean; creditsGranted: number }> {
  const [agent] = await db
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.listingChainId, event.chainId), eq(agents.listingId, event.listingId.toString())))
    .limit(1);
  const orgId = chosenOrgId ?? (await resolveBuyerOrg(db, event.buyer));
  const [purchase] = await db
    .insert(purchases)
    .values({
      chainId: event.chainId,
      txHash: event.txHash.toLowerCase(),
      logIndex: event.logIndex,
      blockNumber: event.blockNumber,
      onchainPurchaseId: event.purchaseId.toString(),
      listingId: event.listingId.toString(),
      agentId: agent?.id ?? null,
      orgId,
      buyerAddress: event.buyer.toLowerCase(),
      runs: Number(event.runs),
      amountWei: event.amount.toString(),
      token: event.token.toLowerCase(),
    })
    .onConflictDoNothing()
    .returning({ id: purchases.id });
  if (!purchase) {
    // Already indexed. If that happened before the buyer's organisation was known, the
    // conditional UPDATE assigns it (once) and the credits follow.
    if (!chosenOrgId || !agent) return { recorded: false, creditsGranted: 0 };
    const [assigned] = await db
      .update(purchases)
      .set({ orgId: chosenOrgId })
      .where(
        and(
          eq(purchases.chainId, event.chainId),
          eq(purchases.txHash, event.txHash.toLowerCase()),
          eq(purchases.logIndex, event.logIndex),
          sql`${purchases.orgId} is null`,
        ),
      )
      .returning({ id: purchases.id });
    if (!assigned) return { recorded: false, creditsGranted: 0 };
    await db
      .insert(credits)
      .values({ orgId: chosenOrgId, agentId: agent.id, purchaseId: assigned.id, granted: Number(event.runs) });
    return { recorded: false, creditsGranted: Number(event.runs) };
  }
  if (!agent || !orgId) return { recorded: true, creditsGranted: 0 };
  await db.insert(credits).values({ orgId, agentId: agent.id, purchaseId: purchase.id, granted: Number(event.runs) });
  return { recorded: true, creditsGranted: Number(event.runs) };
}

export async function getChainCursor(db: Db, params: { chainId: number; contractAddress: string }) {
  const [row] = await db
    .select({ lastBlock: chainCursors.lastBlock })
    .from(chainCursors)
    .where(
      and(
        eq(chainCursors.chainId, params.chainId),
        eq(chainCursors.contractAddress, params.contractAddress.toLowerCase()),
      ),
    )
    .limit(1);
  return row?.lastBlock;
}

/** Moves the cursor forward only: a slower overlapping run never moves it back. */
export async function advanceChainCursor(
  db: Db,
  params: { chainId: number; contractAddress: string; lastBlock: bigint },
) {
  await db
    .insert(chainCursors)
    .values({
      chainId: params.chainId,
      contractAddress: params.contractAddress.toLowerCase(),
      lastBlock: params.lastBlock,
    })
    .onConflictDoUpdate({
      target: [chainCursors.chainId, chainCursors.contractAddress],
      set: { lastBlock: sql`greatest(${chainCursors.lastBlock}, excluded.last_block)`, updatedAt: new Date() },
    });
}

/** Credits granted and used for an organisation and agent. */
export async function getCreditBalance(db: Db, params: { orgId: string; agentId: string }) {
  const [row] = await db
    .select({
      granted: sql<number>`coalesce(sum(${credits.granted}), 0)::int`,
      used: sql<number>`coalesce(sum(${credits.used}), 0)::int`,
      grants: count(),
    })
    .from(credits)
    .where(and(eq(credits.orgId, params.orgId), eq(credits.agentId, params.agentId)));
  return row ?? { granted: 0, used: 0, grants: 0 };
}

/** Marks an agent as listed on-chain under `listingId`. */
export async function setAgentListing(
  db: Db,
  params: { agentId: string; ownerId: string; chainId: number; listingId: bigint },
) {
  const [row] = await db
    .update(agents)
    .set({ listingChainId: params.chainId, listingId: params.listingId.toString() })
    .where(and(eq(agents.id, params.agentId), eq(agents.ownerId, params.ownerId)))
    .returning({ id: agents.id });
  return row;
}

/** An organisation's purchases, newest first, for its members. */
export async function listOrgPurchases(db: Db, params: { orgId: string; requesterId: string }) {
  return db
    .select({
      id: purchases.id,
      txHash: purchases.txHash,
      runs: purchases.runs,
      amountWei: purchases.amountWei,
      agentName: agents.name,
      agentSlug: agents.slug,
      granted: credits.granted,
      used: credits.used,
      createdAt: purchases.createdAt,
    })
    .from(purchases)
    .leftJoin(agents, eq(agents.id, purchases.agentId))
    .leftJoin(credits, eq(credits.purchaseId, purchases.id))
    .where(
      and(
        eq(purchases.orgId, params.orgId),
        sql`exists (select 1 from ${memberships} m where m.org_id = ${params.orgId} and m.user_id = ${params.requesterId})`,
      ),
    )
    .orderBy(sql`${purchases.createdAt} desc`)
    .limit(200);
}

/** Purchases of a creator's listed agents (what buyers paid), newest first. */
export async function listEarningsForOwner(db: Db, params: { ownerId: string }) {
  return db
    .select({
      id: purchases.id,
      txHash: purchases.txHash,
      agentName: agents.name,
      runs: purchases.runs,
      amountWei: purchases.amountWei,
      token: purchases.token,
      createdAt: purchases.createdAt,
    })
    .from(purchases)
    .innerJoin(agents, eq(agents.id, purchases.agentId))
    .where(eq(agents.ownerId, params.ownerId))
    .orderBy(sql`${purchases.createdAt} desc`)
    .limit(200);
}

/** Purchases of an agent paid from any of a user's linked wallets (what they may rate). */
export async function listRateablePurchases(db: Db, params: { agentId: string; userId: string }) {
  return db
    .select({
      onchainPurchaseId: purchases.onchainPurchaseId,
      buyerAddress: purchases.buyerAddress,
      runs: purchases.runs,
      createdAt: purchases.createdAt,
    })
    .from(purchases)
    .innerJoin(wallets, eq(wallets.address, purchases.buyerAddress))
    .where(and(eq(purchases.agentId, params.agentId), eq(wallets.userId, params.userId)))
    .orderBy(sql`${purchases.createdAt} desc`)
    .limit(50);
}
