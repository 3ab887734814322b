import { eq } from "drizzle-orm";
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
    .select({ ...publicColumns, passwordHash: users.passwordHash })
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
