import "server-only";
import { notFound } from "next/navigation";
import type { Db } from "@/db/client";
import { getOperatorIdentity } from "@/db/queries/users";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { requirePageUser } from "./session";

const listOf = (value: string) =>
  value
    .split(",")
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean);

/**
 * Whether an account is one of the platform's operators: a verified email in
 * OPERATOR_EMAILS or a linked wallet in OPERATOR_WALLETS (an unverified email proves
 * nothing: anyone may sign up with any address). The one check of the operator console.
 */
export async function isOperator(db: Db, userId: string): Promise<boolean> {
  const emails = listOf(env.OPERATOR_EMAILS);
  const wallets = listOf(env.OPERATOR_WALLETS);
  if (!emails.length && !wallets.length) return false;
  const identity = await getOperatorIdentity(db, { userId });
  if (!identity) return false;
  if (identity.verifiedEmail && emails.includes(identity.verifiedEmail.toLowerCase())) return true;
  return identity.wallets.some((address) => wallets.includes(address.toLowerCase()));
}

/** For operator actions: NOT_FOUND for anyone else, so the console is not advertised. */
export async function requireOperator(db: Db, userId: string): Promise<void> {
  if (!(await isOperator(db, userId))) throw new AppError("NOT_FOUND");
}

/** For operator pages: signed in (else sent to sign in and back) and an operator (else 404). */
export async function requireOperatorPage(returnTo: string) {
  const user = await requirePageUser(returnTo);
  const db = await getDb();
  if (!(await isOperator(db, user.id))) notFound();
  return { user, db };
}
