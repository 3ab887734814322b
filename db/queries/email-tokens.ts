import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { emailTokens, users } from "../schema";

export type EmailTokenPurpose = "verify_email" | "reset_password";

export async function createEmailToken(
  db: Db,
  params: { userId: string; purpose: EmailTokenPurpose; tokenHash: string; email: string; expiresAt: Date },
) {
  await db.insert(emailTokens).values(params);
}

/**
 * Uses a token once: one conditional UPDATE (unused, unexpired, this purpose), so two
 * concurrent uses cannot both succeed. Returns the user and the address it was sent to.
 */
export async function consumeEmailToken(
  db: Db,
  params: { tokenHash: string; purpose: EmailTokenPurpose; now?: Date },
): Promise<{ userId: string; email: string } | undefined> {
  const now = params.now ?? new Date();
  const [row] = await db
    .update(emailTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(emailTokens.tokenHash, params.tokenHash),
        eq(emailTokens.purpose, params.purpose),
        isNull(emailTokens.usedAt),
        gt(emailTokens.expiresAt, now),
      ),
    )
    .returning({ userId: emailTokens.userId, email: emailTokens.email });
  return row;
}

/** Marks the account's address verified, if it is still the address the link was sent to. */
export async function markEmailVerified(db: Db, params: { userId: string; email: string; now?: Date }) {
  const [row] = await db
    .update(users)
    .set({ emailVerifiedAt: params.now ?? new Date(), updatedAt: new Date() })
    .where(and(eq(users.id, params.userId), eq(users.email, params.email)))
    .returning({ id: users.id });
  return Boolean(row);
}

/**
 * Whether the account's current email is verified; with `email`, also that it is that
 * address (a session may still carry an address the account has since changed).
 */
export async function isEmailVerified(db: Db, params: { userId: string; email?: string }): Promise<boolean> {
  const [row] = await db
    .select({ verified: sql<boolean>`${users.emailVerifiedAt} is not null` })
    .from(users)
    .where(and(eq(users.id, params.userId), params.email === undefined ? undefined : eq(users.email, params.email)))
    .limit(1);
  return Boolean(row?.verified);
}
