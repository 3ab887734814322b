import { and, count, eq, gte, inArray, isNotNull, sql } from "drizzle-orm";
import { union } from "drizzle-orm/pg-core";
import type { Db } from "../client";
import { createAuditEntry } from "./audit-log";
import { getUserByWallet } from "./users";
import {
  agents,
  chainCursors,
  chainEventQuarantine,
  credits,
  memberships,
  purchases,
  ratings,
  wallets,
  withdrawals,
} from "../schema";

export type PurchaseEvent = {
  chainId: number;
  txHash: string;
  logIndex: number;
  blockNumber: bigint;
  /** The block's hash, to notice a reorganisation later; absent when the reader does not give it. */
  blockHash?: string;
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
 * Records one `Purchased` event at most once (unique on chain, tx hash, log index) and
 * grants the credits it is owed once it has both an agent and an organisation: the agent
 * may be listed after the purchase was seen, and the organisation chosen by the buyer
 * later (`chosenOrgId`, already authorised; the first organisation set wins). Run inside
 * a transaction.
 */
export async function recordPurchaseEvent(
  db: Db,
  event: PurchaseEvent,
  chosenOrgId?: string,
): Promise<{ recorded: boolean; creditsGranted: number; ownerId: string | null; orgId: string | null }> {
  const [agent] = await db
    .select({ id: agents.id, ownerId: agents.ownerId })
    .from(agents)
    .where(and(eq(agents.listingChainId, event.chainId), eq(agents.listingId, event.listingId.toString())))
    .limit(1);
  const orgId = chosenOrgId ?? (await resolveBuyerOrg(db, event.buyer));
  const key = and(
    eq(purchases.chainId, event.chainId),
    eq(purchases.txHash, event.txHash.toLowerCase()),
    eq(purchases.logIndex, event.logIndex),
  );
  const [inserted] = await db
    .insert(purchases)
    .values({
      chainId: event.chainId,
      txHash: event.txHash.toLowerCase(),
      logIndex: event.logIndex,
      blockNumber: event.blockNumber,
      blockHash: event.blockHash?.toLowerCase() ?? null,
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
  if (!inserted) {
    // Seen before: fill in what was not known then (never overwrite).
    if (orgId)
      await db
        .update(purchases)
        .set({ orgId })
        .where(and(key, sql`${purchases.orgId} is null`));
    if (agent)
      await db
        .update(purchases)
        .set({ agentId: agent.id })
        .where(and(key, sql`${purchases.agentId} is null`));
  }
  if (inserted) {
    // On the trail once: the buyer's (when the wallet is linked) and the organisation's.
    const buyer = await getUserByWallet(db, { address: event.buyer });
    await createAuditEntry(db, {
      actorUserId: buyer?.id ?? null,
      orgId,
      action: "purchase.recorded",
      targetType: "purchase",
      targetId: inserted.id,
      metadata: {
        agentId: agent?.id ?? null,
        runs: Number(event.runs),
        amountWei: event.amount.toString(),
        token: event.token.toLowerCase(),
        txHash: event.txHash.toLowerCase(),
      },
    });
  }
  const [row] = await db.select({ id: purchases.id }).from(purchases).where(key).limit(1);
  const creditsGranted = row ? await grantOwedCredits(db, { purchaseIds: [row.id] }) : 0;
  return { recorded: Boolean(inserted), creditsGranted, ownerId: agent?.ownerId ?? null, orgId };
}

/**
 * The one statement that grants a purchase's credits: for each given purchase that has an
 * agent and an organisation and no credits yet (unique per purchase), one grant of its
 * runs, reported to the organisation's webhooks as purchase.confirmed. Returns the runs granted.
 */
async function grantOwedCredits(db: Db, params: { purchaseIds: string[] }): Promise<number> {
  if (!params.purchaseIds.length) return 0;
  const ids = sql.join(
    params.purchaseIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const result = await db.execute(sql`
    insert into credits (org_id, agent_id, purchase_id, granted)
    select p.org_id, p.agent_id, p.id, p.runs from purchases p
    where p.id in (${ids}) and p.agent_id is not null and p.org_id is not null
      and not exists (select 1 from credits c where c.purchase_id = p.id)
    on conflict (purchase_id) do nothing
    returning purchase_id, granted`);
  const granted = (result as unknown as { rows: { purchase_id: string; granted: unknown }[] }).rows;
  if (granted.length) {
    // purchase.confirmed for the organisations' webhooks, in the same transaction.
    const purchaseIds = sql.join(
      granted.map((row) => sql`${row.purchase_id}::uuid`),
      sql`, `,
    );
    await db.execute(sql`
      select webhook_fan_out(jsonb_agg(jsonb_build_object(
        'org_id', p.org_id, 'type', 'purchase.confirmed', 'at', now(),
        'data', jsonb_build_object(
          'purchaseId', p.id, 'agentId', p.agent_id, 'agentSlug', a.slug, 'runs', p.runs,
          'amountWei', p.amount_wei::text, 'token', p.token, 'buyer', p.buyer_address,
          'chainId', p.chain_id, 'txHash', p.tx_hash, 'blockNumber', p.block_number::text))))
      from purchases p join agents a on a.id = p.agent_id
      where p.id in (${purchaseIds})
      having count(*) > 0`);
  }
  return granted.reduce((sum, row) => sum + Number(row.granted), 0);
}

/**
 * A listing confirmed after purchases of it were indexed: they get their agent, and
 * those whose organisation is known get their credits. Run inside a transaction.
 */
export async function attachListingPurchases(
  db: Db,
  params: { chainId: number; listingId: bigint; agentId: string },
): Promise<number> {
  const attached = await db
    .update(purchases)
    .set({ agentId: params.agentId })
    .where(
      and(
        eq(purchases.chainId, params.chainId),
        eq(purchases.listingId, params.listingId.toString()),
        sql`${purchases.agentId} is null`,
      ),
    )
    .returning({ id: purchases.id });
  return grantOwedCredits(db, { purchaseIds: attached.map((row) => row.id) });
}

/**
 * The blocks (number and hash) of purchases, ratings and withdrawals seen at or after `fromBlock`, to
 * check for reorganisations.
 */
export async function listRecentEventBlocks(db: Db, params: { chainId: number; fromBlock: bigint }) {
  const recent = (table: typeof purchases | typeof ratings | typeof withdrawals) =>
    db
      .select({ blockNumber: table.blockNumber, blockHash: table.blockHash })
      .from(table)
      .where(
        and(eq(table.chainId, params.chainId), gte(table.blockNumber, params.fromBlock), isNotNull(table.blockHash)),
      );
  return union(recent(purchases), recent(ratings), recent(withdrawals));
}

/**
 * Takes back purchases a reorganisation removed (those in the given blocks): their
 * unused credits are withdrawn (a grant keeps only what was already used) and the
 * purchase rows go, so the event is indexed again if the new chain includes it. Run
 * inside a transaction. Returns how many purchases were reverted.
 */
export async function revertPurchasesInBlocks(db: Db, params: { chainId: number; blockNumbers: bigint[] }) {
  if (!params.blockNumbers.length) return 0;
  const removed = and(eq(purchases.chainId, params.chainId), inArray(purchases.blockNumber, params.blockNumbers));
  await db
    .update(credits)
    .set({ granted: sql`${credits.used}`, updatedAt: new Date() })
    .where(inArray(credits.purchaseId, db.select({ id: purchases.id }).from(purchases).where(removed)));
  const deleted = await db.delete(purchases).where(removed).returning({ id: purchases.id });
  return deleted.length;
}

/** Moves a cursor back (after a reorganisation) so the new chain's blocks are read again. */
export async function rewindChainCursor(
  db: Db,
  params: { chainId: number; contractAddress: string; lastBlock: bigint },
) {
  await db
    .update(chainCursors)
    .set({ lastBlock: sql`least(${chainCursors.lastBlock}, ${params.lastBlock})`, updatedAt: new Date() })
    .where(
      and(
        eq(chainCursors.chainId, params.chainId),
        eq(chainCursors.contractAddress, params.contractAddress.toLowerCase()),
      ),
    );
}

/** Keeps an event the indexer could not apply, with why; once per event. */
export async function quarantineChainEvent(
  db: Db,
  params: Omit<typeof chainEventQuarantine.$inferInsert, "id" | "createdAt">,
) {
  await db
    .insert(chainEventQuarantine)
    .values({ ...params, txHash: params.txHash.toLowerCase(), contractAddress: params.contractAddress.toLowerCase() })
    .onConflictDoNothing();
}

/** How many events wait in quarantine (for the operator). */
export async function countQuarantinedEvents(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(chainEventQuarantine);
  return row?.n ?? 0;
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
      granted: sql<number>`coalesce(sum(${credits.granted}), 0)::bigint`.mapWith(Number),
      used: sql<number>`coalesce(sum(${credits.used}), 0)::bigint`.mapWith(Number),
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
