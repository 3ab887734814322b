import "server-only";
import type { Db } from "@/db/client";
import { createAuditEntry } from "@/db/queries/audit-log";
import { createUser, getPasswordHash, getUserCredentialsByEmail } from "@/db/queries/users";
import { AppError, fieldError, isUniqueViolation } from "@/lib/errors";
import { addressSource, threats } from "@/lib/security/threats";
import { signInSchema, signUpSchema } from "./credentials";
import { getDummyPasswordHash, hashPassword, verifyPassword } from "./password";
import type { SessionUser } from "./session";
import { assertNotThrottled, clearFailures, countAgainst, takeAttempt, type ThrottleKey } from "./throttle";

export const WRONG_CREDENTIALS = "Wrong email or password.";

/**
 * Email and password sign-in, the one path (POST /api/auth/sign-in). Throttled per
 * account and per client address before any hash is computed; a wrong password counts
 * against both, a right one clears the account's count. Unknown emails cost the same time.
 */
export async function signInWithPassword(
  db: Db,
  input: unknown,
  address: string,
  now = new Date(),
  userAgent: string | null = null,
): Promise<SessionUser & { sessionVersion: number }> {
  const { email, password } = signInSchema.parse(input);
  const keys: ThrottleKey[] = [
    { throttle: "passwordAccount", subject: email },
    { throttle: "passwordAddress", subject: address },
  ];
  await assertNotThrottled(db, keys, now);
  const user = await getUserCredentialsByEmail(db, { email });
  const ok = await verifyPassword(password, user?.passwordHash ?? (await getDummyPasswordHash()));
  const client = { method: "password", ip: address, userAgent: trimUserAgent(userAgent) };
  if (!user?.passwordHash || !ok) {
    threats().record(addressSource(address), "sign_in_failed");
    // The failure counts and is on the trail together (an unknown email is not recorded).
    await db.transaction(async (tx) => {
      await countAgainst(tx, keys, now);
      await createAuditEntry(tx, {
        actorUserId: null,
        action: "user.sign_in_failed",
        targetType: "user",
        targetId: user?.id,
        metadata: { ...client, knownAccount: Boolean(user) },
      });
    });
    throw new AppError("UNAUTHORIZED", WRONG_CREDENTIALS, { fieldErrors: { password: [WRONG_CREDENTIALS] } });
  }
  // Told only to whoever knows the password: the suspension and its reason.
  if (user.suspendedReason !== null) await refuseSuspended(db, user, client);
  await db.transaction(async (tx) => {
    await clearFailures(tx, keys[0]!);
    await createAuditEntry(tx, {
      actorUserId: user.id,
      action: "user.signed_in",
      targetType: "user",
      targetId: user.id,
      metadata: client,
    });
  });
  return { id: user.id, name: user.name, email: user.email, sessionVersion: user.sessionVersion };
}

/**
 * Refuses the sign-in of an account an operator suspended (ACCOUNT_SUSPENDED, with the
 * reason), on the trail as a failed sign-in. Both sign-in paths (password, wallet) call it.
 */
export async function refuseSuspended(
  db: Db,
  user: { id: string; suspendedReason: string | null },
  client: Record<string, unknown>,
): Promise<never> {
  await createAuditEntry(db, {
    actorUserId: null,
    action: "user.sign_in_failed",
    targetType: "user",
    targetId: user.id,
    metadata: { ...client, knownAccount: true, reason: "suspended" },
  });
  const message = `This account is suspended by the platform's operators: ${user.suspendedReason}.`;
  throw new AppError("ACCOUNT_SUSPENDED", message, { fieldErrors: { password: [message] } });
}

/** Creates an email and password account (POST /api/auth/sign-up), throttled per client address. */
export async function signUpWithPassword(
  db: Db,
  input: unknown,
  address: string,
  now = new Date(),
): Promise<SessionUser & { sessionVersion: number }> {
  const parsed = signUpSchema.parse(input);
  await takeAttempt(db, { throttle: "signUpAddress", subject: address }, now);
  const passwordHash = await hashPassword(parsed.password);
  try {
    const user = await createUser(db, { email: parsed.email, name: parsed.name, passwordHash });
    return { id: user.id, name: user.name, email: user.email, sessionVersion: 0 };
  } catch (error) {
    if (isUniqueViolation(error)) throw fieldError("email", "An account with this email already exists.");
    throw error;
  }
}

/**
 * For changes a signed-in user makes to the account (password, email): the current
 * password must be given, checked with the same per-account throttle as sign-in.
 */
export async function requireCurrentPassword(
  db: Db,
  user: { id: string; email: string | null },
  currentPassword: string,
): Promise<void> {
  const key: ThrottleKey = { throttle: "passwordAccount", subject: user.email ?? `user:${user.id}` };
  await assertNotThrottled(db, [key]);
  const current = await getPasswordHash(db, { userId: user.id });
  if (!current) throw new AppError("INVALID_INPUT", "This account signs in with a wallet and has no password.");
  if (!(await verifyPassword(currentPassword, current))) {
    await countAgainst(db, [key]);
    throw fieldError("currentPassword", "That is not your current password.");
  }
}

/** A user agent as the trail keeps it: at most 300 characters. */
export function trimUserAgent(value: string | null | undefined): string | null {
  return value ? value.slice(0, 300) : null;
}
