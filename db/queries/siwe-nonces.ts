import { and, eq, gt, isNull, lt } from "drizzle-orm";
import type { Db } from "../client";
import { siweNonces } from "../schema";

export async function createSiweNonce(db: Db, params: { nonce: string; bindingHash: string; expiresAt: Date }) {
  await db.insert(siweNonces).values(params);
}

/**
 * Marks a nonce used if it exists, was issued to this binding, is unused and has not
 * expired. Returns whether it was consumed: one UPDATE, so two concurrent sign-ins with the
 * same nonce cannot both win.
 */
export async function consumeSiweNonce(
  db: Db,
  params: { nonce: string; bindingHash: string; now?: Date },
): Promise<boolean> {
  const now = params.now ?? new Date();
  const rows = await db
    .update(siweNonces)
    .set({ usedAt: now })
    .where(
      and(
        eq(siweNonces.nonce, params.nonce),
        eq(siweNonces.bindingHash, params.bindingHash),
        isNull(siweNonces.usedAt),
        gt(siweNonces.expiresAt, now),
      ),
    )
    .returning({ nonce: siweNonces.nonce });
  return rows.length === 1;
}

/** Removes nonces that expired before `before`. */
export async function deleteExpiredSiweNonces(db: Db, params: { before: Date }) {
  await db.delete(siweNonces).where(lt(siweNonces.expiresAt, params.before));
}
