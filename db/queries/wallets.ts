import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { users, wallets } from "../schema";

const columns = { id: wallets.id, address: wallets.address, createdAt: wallets.createdAt };

/** Links an address to a user. Throws a unique violation if any account already has it. */
export async function createWallet(db: Db, params: { userId: string; address: string }) {
  const [row] = await db
    .insert(wallets)
    .values({ userId: params.userId, address: params.address.toLowerCase() })
    .returning(columns);
  return row!;
}

export async function listWalletsForUser(db: Db, params: { userId: string }) {
  return db
    .select(columns)
    .from(wallets)
    .where(eq(wallets.userId, params.userId))
    .orderBy(asc(wallets.createdAt))
    .limit(50);
}

/**
 * Unlinks a wallet; scoped to its owner, so another user's id deletes nothing. The last
 * wallet of an account without a password stays, or the account could not sign in again.
 */
export async function deleteWallet(db: Db, params: { userId: string; walletId: string }) {
  const rows = await db
    .delete(wallets)
    .where(
      and(
        eq(wallets.id, params.walletId),
        eq(wallets.userId, params.userId),
        sql`(exists (select 1 from ${users} u where u.id = ${params.userId} and u.password_hash is not null)
          or (select count(*) from ${wallets} w where w.user_id = ${params.userId}) > 1)`,
      ),
    )
    .returning({ id: wallets.id });
  return rows[0];
}
