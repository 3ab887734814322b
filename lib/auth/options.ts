import "server-only";
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getAddress } from "viem";
import { getDb } from "@/lib/db";
import { createUser, getSessionVersion, getUserByWallet } from "@/db/queries/users";
import { createWallet } from "@/db/queries/wallets";
import { createAuditEntry } from "@/db/queries/audit-log";
import { clientAddress } from "@/lib/http/client-address";
import { authSecret, env } from "@/lib/env";
import { isAppError, isUniqueViolation } from "@/lib/errors";
import { shortAddress } from "@/lib/utils";
import { addressSource, threats } from "@/lib/security/threats";
import { appOrigin, isAppOrigin } from "@/lib/http/app-origin";
import { safeCallbackUrl } from "./callback-url";
import { refuseSuspended, trimUserAgent } from "./password-sign-in";
import { SESSION_MAX_AGE_SECONDS, sessionCookieName, sessionCookieOptions } from "./session-cookie";
import { siweBindingFromCookieHeader, verifySiweSignature } from "./siwe";

async function signInWithEthereum(
  credentials: Record<string, string> | undefined,
  headers: Record<string, unknown> | undefined,
) {
  const db = await getDb();
  const client = {
    method: "siwe",
    ip: clientAddress(new Headers({ "x-forwarded-for": String(headers?.["x-forwarded-for"] ?? "") })),
    userAgent: trimUserAgent(typeof headers?.["user-agent"] === "string" ? headers["user-agent"] : null),
  };
  let address: string;
  try {
    address = await verifySiweSignature(db, {
      message: String(credentials?.message ?? ""),
      signature: String(credentials?.signature ?? ""),
      binding: siweBindingFromCookieHeader(headers?.cookie),
      chainId: env.CHAIN_ID,
    });
  } catch (error) {
    if (isAppError(error)) {
      threats().record(addressSource(client.ip), "sign_in_failed");
      await createAuditEntry(db, {
        actorUserId: null,
        action: "user.sign_in_failed",
        metadata: { ...client, reason: error.code },
      });
      throw new Error(error.message);
    }
    throw error;
  }
  const signedIn = async (user: { id: string; email: string | null; name: string | null }) => {
    await createAuditEntry(db, {
      actorUserId: user.id,
      action: "user.signed_in",
      targetType: "user",
      targetId: user.id,
      metadata: { ...client, wallet: address },
    });
    return { id: user.id, email: user.email, name: user.name };
  };
  const existing = await getUserByWallet(db, { address });
  if (existing?.suspendedReason) {
    try {
      await refuseSuspended(db, existing, { ...client, wallet: address });
    } catch (error) {
      throw new Error(isAppError(error) ? error.message : "This account is suspended.");
    }
  }
  if (existing) return signedIn(existing);
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
    return signedIn(user);
  } catch (error) {
    // A concurrent first sign-in with the same wallet created the account first.
    if (!isUniqueViolation(error)) throw error;
    const user = await getUserByWallet(db, { address });
    if (!user) throw error;
    return signedIn(user);
  }
}

export const authOptions: AuthOptions = {
  secret: authSecret(),
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  // The same cookie that password sign-in and sign-up set (session-cookie.ts).
  cookies: { sessionToken: { name: sessionCookieName(), options: sessionCookieOptions() } },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  // Email and password sign-in is POST /api/auth/sign-in (lib/auth/password-sign-in.ts), a
  // route a form can post to without scripts, throttled; next-auth handles wallets and sessions.
  providers: [
    CredentialsProvider({
      id: "siwe",
      name: "Ethereum",
      credentials: { message: { type: "text" }, signature: { type: "text" } },
      authorize: (credentials, req) => signInWithEthereum(credentials, req?.headers),
    }),
  ],
  callbacks: {
    /**
     * Every session check: a token whose session version is not the account's current one
     * (after "sign out everywhere" or a password change) no longer signs anyone in.
     */
    async jwt({ token, user }) {
      const db = await getDb();
      if (user) {
        token.sub = user.id;
        token.name = user.name;
        token.email = user.email;
        token.sv = (await getSessionVersion(db, { userId: user.id })) ?? 0;
        return token;
      }
      if (!token.sub) return token;
      const current = await getSessionVersion(db, { userId: token.sub });
      return current !== undefined && current === (token.sv ?? 0) ? token : {};
    },
    /** Where next-auth sends the browser: a path on the app's own origin, nothing else. */
    redirect({ url, baseUrl }) {
      const origin = isAppOrigin(baseUrl) ? new URL(baseUrl).origin : appOrigin();
      const path = url.startsWith(`${origin}/`) ? url.slice(origin.length) : url;
      return `${origin}${safeCallbackUrl(path, "/")}`;
    },
    session({ session, token }) {
      if (session.user && token.sub) session.user.id = token.sub;
      return session;
    },
  },
};
