import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { AppError } from "@/lib/errors";
import { authOptions } from "./options";

export type SessionUser = { id: string; name: string | null; email: string | null };

/** The signed-in user, or null. */
export async function getSessionUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions);
  const user = session?.user;
  if (!user?.id) return null;
  return { id: user.id, name: user.name ?? null, email: user.email ?? null };
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
