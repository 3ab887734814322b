import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { createAuditEntry } from "./audit-log";
import { getUserByWallet } from "./users";
import { agents, agentVersions, wallets, withdrawals } from "../schema";

export type WithdrawalEvent = {
  chainId: number;
  txHash: string;
  logIndex: number;
  blockNumber: bigint;
  blockHash?: string;
  account: string;
  token: string;
  amount: bigint;
};

/** Records a `Withdrawn` event once (a second sight of the same log changes nothing), with its audit entry; run inside a transaction. */
export async function recordWithdrawalEvent(db: Db, event: WithdrawalEvent): Promise<{ recorded: boolean }> {
  const inserted = await db
    .insert(withdrawals)
    .values({
      chainId: event.chainId,
      txHash: event.txHash.toLowerCase(),
      logIndex: event.logIndex,
      blockNumber: event.blockNumber,
      blockHash: event.blockHash?.toLowerCase() ?? null,
      account: event.account.toLowerCase(),
      token: event.token.toLowerCase(),
      amountWei: event.amount.toString(),
    })
    .onConflictDoNothing()
    .returning({ id: withdrawals.id });
  if (inserted.length) {
    // On the trail of the account whose wallet withdrew (if the wallet is linked to one).
    const owner = await getUserByWallet(db, { address: event.account });
    await createAuditEntry(db, {
      actorUserId: owner?.id ?? null,
      action: "withdrawal.recorded",
      targetType: "wallet",
      targetId: event.account.toLowerCase(),
      metadata: { token: event.token.toLowerCase(), amountWei: event.amount.toString(), txHash: event.txHash },
    });
  }
  return { recorded: inserted.length > 0 };
}

/** Takes back withdrawals a reorganisation removed; run inside a transaction. Returns how many. */
export async function revertWithdrawalsInBlocks(db: Db, params: { chainId: number; blockNumbers: bigint[] }) {
  if (!params.blockNumbers.length) return 0;
  const deleted = await db
    .delete(withdrawals)
    .where(and(eq(withdrawals.chainId, params.chainId), inArray(withdrawals.blockNumber, params.blockNumbers)))
    .returning({ id: withdrawals.id });
  return deleted.length;
}

/**
 * The wallets a creator is paid to: their linked wallets, and every payee named by a
 * version of their agents (a co-creator's wallet too: balances and withdrawals are public
 * on-chain). Lower-case, each once, the linked ones first.
 */
export async function listPayeeWalletsForOwner(db: Db, params: { ownerId: string }) {
  const linked = await db.select({ address: wallets.address }).from(wallets).where(eq(wallets.userId, params.ownerId));
  const named = await db
    .selectDistinct({ address: sql<string>`lower(p ->> 'address')` })
    .from(agentVersions)
    .innerJoin(agents, eq(agents.id, agentVersions.agentId))
    .crossJoin(sql`jsonb_array_elements(${agentVersions.payees}) p`)
    .where(eq(agents.ownerId, params.ownerId));
  const own = new Set(linked.map((w) => w.address.toLowerCase()));
  return [
    ...[...own].map((address) => ({ address, linked: true })),
    ...named.filter((n) => n.address && !own.has(n.address)).map((n) => ({ address: n.address, linked: false })),
  ];
}

/** What each of these wallets has withdrawn from the marketplace in all, per token (wei, as text). */
export async function withdrawnTotals(db: Db, params: { chainId: number; accounts: string[] }) {
  if (!params.accounts.length) return [];
  return db
    .select({
      account: withdrawals.account,
      token: withdrawals.token,
      amountWei: sql<string>`sum(${withdrawals.amountWei})::text`,
      withdrawals: sql<number>`count(*)::int`,
    })
    .from(withdrawals)
    .where(
      and(
        eq(withdrawals.chainId, params.chainId),
        inArray(
          withdrawals.account,
          params.accounts.map((a) => a.toLowerCase()),
        ),
      ),
    )
    .groupBy(withdrawals.account, withdrawals.token);
}
