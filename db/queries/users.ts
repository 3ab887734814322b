import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { users, wallets } from "../schema";

const publicColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  createdAt: users.createdAt,
};

export type PublicUser = { id: string; email: string | null; name: string | null; createdAt: Date };

export async function createUser(
  db: Db,
  params: { email: string | null; name: string | null; passwordHash: string | null },
): Promise<PublicUser> {
  const [row] = await db
    .insert(users)
    .values({ email: params.email, name: params.name, passwordHash: params.passwordHash })
    .returning(publicColumns);
  return row!;
}

/** The user with that (lower-cased) email, including the password hash for sign-in. */
export async function getUserCredentialsByEmail(db: Db, params: { email: string }) {
  const [row] = await db
    .select({
      ...publicColumns,
      passwordHash: users.passwordHash,
      sessionVersion: users.sessionVersion,
      suspendedReason: suspensionOf(),
    })
    .from(users)
    .where(eq(users.email, params.email))
    .limit(1);
  return row;
}

export async function getUserById(db: Db, params: { id: string }): Promise<PublicUser | undefined> {
  const [row] = await db.select(publicColumns).from(users).where(eq(users.id, params.id)).limit(1);
  return row;
}

/** An operator's suspension of the account: its reason (never empty), or null when it is not suspended. */
const suspensionOf = () =>
  sql<
    string | null
  >`case when ${users.suspendedAt} is null then null else coalesce(nullif(${users.suspendedReason}, ''), 'no reason given') end`;

export async function getUserByWallet(
  db: Db,
  params: { address: string },
): Promise<(PublicUser & { suspendedReason: string | null }) | undefined> {
  const [row] = await db
    .select({ ...publicColumns, suspendedReason: suspensionOf() })
    .from(users)
    .innerJoin(wallets, eq(wallets.userId, users.id))
    .where(eq(wallets.address, params.address.toLowerCase()))
    .limit(1);
  return row;
}

/**
 * The session version a user's tokens must carry to be valid; undefined (no session is
 * valid) for an account that is gone or suspended by an operator.
 */
export async function getSessionVersion(db: Db, params: { userId: string }): Promise<number | undefined> {
  const [row] = await db
    .select({ sessionVersion: users.sessionVersion })
    .from(users)
    .where(and(eq(users.id, params.userId), isNull(users.suspendedAt)))
    .limit(1);
  return row?.sessionVersion;
}

/** Ends every session of a user issued so far; returns the new version. */
export async function bumpSessionVersion(db: Db, params: { userId: string }): Promise<number> {
  const [row] = await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
    .where(eq(users.id, params.userId))
    .returning({ sessionVersion: users.sessionVersion });
  return row!.sessionVersion;
}

/** A user's password hash (for checking the current password), by id. */
export async function getPasswordHash(db: Db, params: { userId: string }): Promise<string | null | undefined> {
  const [row] = await db
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, params.userId))
    .limit(1);
  return row ? row.passwordHash : undefined;
}

/** Sets a new password and ends every earlier session, in one statement; returns the new session version. */
export async function setPasswordHash(db: Db, params: { userId: string; passwordHash: string }): Promise<number> {
  const [row] = await db
    .update(users)
    .set({
      passwordHash: params.passwordHash,
      sessionVersion: sql`${users.sessionVersion} + 1`,
      updatedAt: new Date(),
    })
    .where(eq(users.id, params.userId))
    .returning({ sessionVersion: users.sessionVersion });
  return row!.sessionVersion;
}

/**
 * Changes the account's email: the new address starts unconfirmed and every earlier session
 * ends (tokens carry the email). Returns the new session version. A taken address throws
 * the unique violation.
 */
export async function setUserEmail(db: Db, params: { userId: string; email: string }): Promise<number> {
  const [row] = await db
    .update(users)
    .set({
      email: params.email,
      emailVerifiedAt: null,
      sessionVersion: sql`${users.sessionVersion} + 1`,
      updatedAt: new Date(),
    })
    .where(eq(users.id, params.userId))
    .returning({ sessionVersion: users.sessionVersion });
  return row!.sessionVersion;
}

/** What names an account an operator (lib/auth/operator.ts): its email once verified, its wallets. */
export async function getOperatorIdentity(db: Db, params: { userId: string }) {
  const [row] = await db
    .select({
      verifiedEmail: sql<string | null>`case when ${users.emailVerifiedAt} is null then null else ${users.email} end`,
      // Qualified by hand: drizzle writes a one-table query's columns unqualified, which the subquery would take for its own.
      wallets: sql<
        string[]
      >`coalesce((select array_agg(w.address) from wallets w where w.user_id = "users"."id"), '{}')`,
    })
    .from(users)
    .where(and(eq(users.id, params.userId), isNull(users.suspendedAt), isNull(users.erasedAt)))
    .limit(1);
  if (!row) return undefined;
  const list = Array.isArray(row.wallets)
    ? row.wallets
    : String(row.wallets)
        .replace(/^\{|\}$/g, "")
        .split(",")
        .filter(Boolean);
  return { verifiedEmail: row.verifiedEmail, wallets: list.map(String) };
}
