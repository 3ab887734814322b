import { eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { erasures, memberships, organizations, users } from "../schema";
import { createAuditEntry } from "./audit-log";
import { lockMemberships } from "./organizations";
import { rowsOf } from "./raw-rows";

/** What erasure keeps, and why: shown on the settings page before anyone erases. */
export const KEPT_AFTER_ERASURE = [
  "Purchases and their payments (amounts, tokens, transaction hashes, the paying wallet address): payment records the law requires us to keep, and on-chain data nobody can erase.",
  "On-chain ratings (score and wallet address): they live on the blockchain; your review text is deleted.",
  "Run records with their receipt hashes, without inputs, outputs or steps: receipts others rely on still verify.",
  "Your published agents, archived (hidden from the marketplace, no new runs): buyers' records point at them.",
] as const;

export type EraseRefusal = { ok: false; reason: "last_owner"; organisations: string[] };

/**
 * Erases an account, in the caller's transaction: personal data is deleted or
 * pseudonymised and the account can no longer sign in (no email, password or wallets; every
 * session ended); its email can be used again. Kept (KEPT_AFTER_ERASURE): purchases, on-chain
 * ratings without review text, run records without their contents (receipts still verify),
 * published agents archived. Organisations it is the only member of are deleted (their
 * purchases and runs remain, without the organisation). Refused while it is the last owner
 * of an organisation with other members, unless `force` (re-applying an erasure after a
 * restore: it was allowed when it happened). Records the erasure (erasures, audit trail).
 */
export async function eraseAccount(
  db: Db,
  params: { userId: string; now: Date; force?: boolean },
): Promise<{ ok: true } | EraseRefusal> {
  const userId = params.userId;
  // Membership changes of its organisations wait (the same lock as role changes), in a fixed order.
  const orgIds = rowsOf(
    await db.execute(sql`select org_id from memberships where user_id = ${userId} order by org_id`),
  ).map((r) => r.org_id as string);
  for (const orgId of orgIds) await lockMemberships(db, orgId);
  // The organisations it owns, and whether anyone else is in them.
  const owned = rowsOf(
    await db.execute(sql`
      select o.id, o.name,
             (select count(*) from memberships m2 where m2.org_id = o.id and m2.user_id <> ${userId})::int as others,
             (select count(*) from memberships m3 where m3.org_id = o.id and m3.role = 'owner' and m3.user_id <> ${userId})::int as other_owners
      from organizations o join memberships m on m.org_id = o.id
      where m.user_id = ${userId} and m.role = 'owner'`),
  ) as { id: string; name: string; others: number; other_owners: number }[];
  const stuck = owned.filter((o) => o.others > 0 && o.other_owners === 0);
  if (stuck.length && !params.force)
    return { ok: false, reason: "last_owner", organisations: stuck.map((o) => o.name) };
  for (const org of owned.filter((o) => o.others === 0)) await deleteOrganizationRecords(db, org.id);

  await db.delete(memberships).where(eq(memberships.userId, userId));
  await db.execute(sql`delete from wallets where user_id = ${userId}`);
  await db.execute(sql`delete from email_tokens where user_id = ${userId}`);
  await db.execute(sql`delete from data_exports where user_id = ${userId}`);
  await db.execute(sql`
    delete from invitations where accepted_at is null
      and email = (select email from users where id = ${userId})`);
  await db.execute(sql`update ratings set review = null, reviewer_user_id = null where reviewer_user_id = ${userId}`);
  // Its abuse reports stay for the operators (the agent and the reason), without it or its words.
  await db.execute(sql`update abuse_reports set reporter_id = null, details = '' where reporter_id = ${userId}`);
  // Runs it made in the playground: the record and its receipt hash stay, the contents go.
  await db.execute(sql`
    update executions set input = null, output = null, steps = '[]'::jsonb, error_message = null
    where user_id = ${userId}`);
  await db.execute(sql`update agents set status = 'archived' where owner_id = ${userId} and status <> 'archived'`);
  // Its trail stays, without the network addresses, user agents and wallets it was seen with.
  await db.execute(sql`
    update audit_log set metadata = metadata - 'ip' - 'userAgent' - 'email' - 'wallet',
      target_id = case when target_type = 'wallet' then null else target_id end
    where actor_user_id = ${userId} or (target_type = 'user' and target_id = ${userId}::text)`);
  await db
    .update(users)
    .set({
      email: null,
      name: "Erased account",
      passwordHash: null,
      emailVerifiedAt: null,
      sessionVersion: sql`${users.sessionVersion} + 1`,
      suspendedReason: null,
      erasedAt: params.now,
    })
    .where(eq(users.id, userId));
  await db.insert(erasures).values({ userId, erasedAt: params.now }).onConflictDoNothing();
  await createAuditEntry(db, { actorUserId: null, action: "user.erased", targetType: "user", targetId: userId });
  return { ok: true };
}

/**
 * Deletes an organisation: members, invitations, keys, credits, webhooks and its trail go
 * with it; its purchases and run records stay (payment records and receipts), without it.
 */
export async function deleteOrganizationRecords(db: Db, orgId: string): Promise<void> {
  await db.delete(organizations).where(eq(organizations.id, orgId));
}

/** Whether an account is here and not erased, erased, or missing (a backup may not hold it). */
export async function accountState(db: Db, params: { userId: string }): Promise<"active" | "erased" | "missing"> {
  const [row] = await db.select({ erasedAt: users.erasedAt }).from(users).where(eq(users.id, params.userId));
  return !row ? "missing" : row.erasedAt ? "erased" : "active";
}
