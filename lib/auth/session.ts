import "server-only";
import type { IncomingHttpHeaders } from "node:http";
import { getServerSession, type Session } from "next-auth";
import { redirect } from "next/navigation";
import { AppError } from "@/lib/errors";
import { cookiesFromHeader } from "@/lib/http/cookies";
import { authOptions } from "./options";

export type SessionUser = { id: string; name: string | null; email: string | null };

function toSessionUser(session: Session | null): SessionUser | null {
  const user = session?.user;
  if (!user?.id) return null;
  return { id: user.id, name: user.name ?? null, email: user.email ?? null };
}

/** The signed-in user, or null. */
export async function getSessionUser(): Promise<SessionUser | null> {
  return toSessionUser(await getServerSession(authOptions));
}

/**
 * The signed-in user of a bare Node request (the lean routes, lib/http/lean-routes.ts),
 * through next-auth's (request, response, options) form: the same callbacks, so the same
 * session-version check, as getSessionUser. Nothing is written back (no cookie refresh).
 */
export async function sessionUserFromHeaders(headers: IncomingHttpHeaders): Promise<SessionUser | null> {
  const request = { headers, cookies: cookiesFromHeader(headers.cookie) };
  const response = { getHeader() {}, setCookie() {}, setHeader() {} };
  return toSessionUser(await getServerSession(request as never, response as never, authOptions));
}

/** For server actions and route handlers: the signed-in user or UNAUTHORIZED. */
export async function requireUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) throw new AppError("UNAUTHORIZED");
  return user;
}

/** For pages: the signed-in user, or a redirect to sign-in that comes back here. */
export async function requirePageUser(returnTo: string): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}
