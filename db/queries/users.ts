import { eq, sql } from "drizzle-orm";
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
    .select({ ...publicColumns, passwordHash: users.passwordHash, sessionVersion: users.sessionVersion })
    .from(users)
    .where(eq(users.email, params.email))
    .limit(1);
  return row;
}

export async function getUserById(db: Db, params: { id: string }): Promise<PublicUser | undefined> {
  const [row] = await db.select(publicColumns).from(users).where(eq(users.id, params.id)).limit(1);
  return row;
}

export async function getUserByWallet(db: Db, params: { address: string }): Promise<PublicUser | undefined> {
  const [row] = await db
    .select(publicColumns)
    .from(users)
    .innerJoin(wallets, eq(wallets.userId, users.id))
    .where(eq(wallets.address, params.address.toLowerCase()))
    .limit(1);
  return row;
}

/** The session version a user's tokens must carry to be valid. */
export async function getSessionVersion(db: Db, params: { userId: string }): Promise<number | undefined> {
  const [row] = await db
    .select({ sessionVersion: users.sessionVersion })
    .from(users)
    .where(eq(users.id, params.userId))
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
