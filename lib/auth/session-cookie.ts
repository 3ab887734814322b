import "server-only";
import { encode } from "next-auth/jwt";
import { authSecret } from "@/lib/env";
import { appOrigin } from "@/lib/http/app-origin";

/** How long a session lasts (next-auth's `session.maxAge` uses the same). */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/** Secure cookies (and their `__Secure-` name) when the app is served over HTTPS. */
export const secureCookies = () => appOrigin().startsWith("https:");

/** The session cookie's name, the one next-auth reads (configured in options.ts). */
export const sessionCookieName = () => `${secureCookies() ? "__Secure-" : ""}next-auth.session-token`;

/** The session cookie's attributes. */
export const sessionCookieOptions = () => ({
  httpOnly: true,
  sameSite: "lax" as const,
  path: "/",
  secure: secureCookies(),
});

/**
 * A session cookie for `user`, as next-auth's JWT strategy writes it: routes that sign a
 * user in themselves (password sign-in, sign-up) set it; next-auth reads it.
 */
export async function sessionCookie(user: {
  id: string;
  name: string | null;
  email: string | null;
  sessionVersion: number;
}) {
  const value = await encode({
    token: { sub: user.id, name: user.name, email: user.email, sv: user.sessionVersion },
    secret: authSecret(),
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
  return { name: sessionCookieName(), value, maxAge: SESSION_MAX_AGE_SECONDS, ...sessionCookieOptions() };
}
