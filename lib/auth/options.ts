import "server-only";
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getAddress } from "viem";
import { getDb } from "@/lib/db";
import { createUser, getUserByWallet, getUserCredentialsByEmail } from "@/db/queries/users";
import { createWallet } from "@/db/queries/wallets";
import { authSecret, env } from "@/lib/env";
import { isAppError, isUniqueViolation } from "@/lib/errors";
import { shortAddress } from "@/lib/utils";
import { signInSchema } from "./credentials";
import { getDummyPasswordHash, verifyPassword } from "./password";
import { siweBindingFromCookieHeader, verifySiweSignature } from "./siwe";

const WRONG_CREDENTIALS = "Wrong email or password.";

async function signInWithPassword(credentials: Record<string, string> | undefined) {
  const parsed = signInSchema.safeParse(credentials ?? {});
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? WRONG_CREDENTIALS);
  const db = await getDb();
  const user = await getUserCredentialsByEmail(db, { email: parsed.data.email });
  // Spend the same time whether or not the account exists, so timing reveals nothing.
  const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? (await getDummyPasswordHash()));
  if (!user?.passwordHash || !ok) throw new Error(WRONG_CREDENTIALS);
  return { id: user.id, email: user.email, name: user.name };
}

async function signInWithEthereum(
  credentials: Record<string, string> | undefined,
  headers: Record<string, unknown> | undefined,
) {
  const db = await getDb();
  let address: string;
  try {
    address = await verifySiweSignature(db, {
      message: String(credentials?.message ?? ""),
      signature: String(credentials?.signature ?? ""),
      binding: siweBindingFromCookieHeader(headers?.cookie),
      chainId: env.CHAIN_ID,
    });
  } catch (error) {
    if (isAppError(error)) throw new Error(error.message);
    throw error;
  }
  const existing = await getUserByWallet(db, { address });
  if (existing) return { id: existing.id, email: existing.email, name: existing.name };
  try {
    const user = await db.transaction(async (tx) => {
      const created = await createUser(tx, {
        email: null,
        name: shortAddress(getAddress(address)),
        passwordHash: null,
      });
      await createWallet(tx, { userId: created.id, address });
      return created;
    });
    return { id: user.id, email: user.email, name: user.name };
  } catch (error) {
    // A concurrent first sign-in with the same wallet created the account first.
    if (!isUniqueViolation(error)) throw error;
    const user = await getUserByWallet(db, { address });
    if (!user) throw error;
    return { id: user.id, email: user.email, name: user.name };
  }
}

export const authOptions: AuthOptions = {
  secret: authSecret(),
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: [
    CredentialsProvider({
      id: "password",
      name: "Email and password",
      credentials: { email: { type: "email" }, password: { type: "password" } },
      authorize: (credentials) => signInWithPassword(credentials),
    }),
    CredentialsProvider({
      id: "siwe",
      name: "Ethereum",
      credentials: { message: { type: "text" }, signature: { type: "text" } },
      authorize: (credentials, req) => signInWithEthereum(credentials, req?.headers),
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.name = user.name;
        token.email = user.email;
      }
      return token;
    },
    session({ session, token }) {
      if (session.user && token.sub) session.user.id = token.sub;
      return session;
    },
  },
};
