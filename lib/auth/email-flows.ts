import "server-only";
import { z } from "zod";
import type { Db } from "@/db/client";
import {
  consumeEmailToken,
  createEmailToken,
  markEmailVerified,
  type EmailTokenPurpose,
} from "@/db/queries/email-tokens";
import { getUserCredentialsByEmail, setPasswordHash } from "@/db/queries/users";
import { AppError } from "@/lib/errors";
import { appOrigin } from "@/lib/http/app-origin";
import { describeError } from "@/lib/log";
import { sendMail } from "@/lib/mail/send";
import { emailSchema, passwordSchema } from "./credentials";
import { hashPassword } from "./password";
import { takeAttempt } from "./throttle";
import { createSecretToken, hashToken } from "./tokens";

const HOUR = 60 * 60 * 1000;
const TTL: Record<EmailTokenPurpose, number> = { verify_email: 24 * HOUR, reset_password: HOUR };

async function mailLink(
  db: Db,
  params: { userId: string; email: string; purpose: EmailTokenPurpose; path: string; subject: string; text: string },
) {
  const { token, hash } = createSecretToken();
  await createEmailToken(db, {
    userId: params.userId,
    purpose: params.purpose,
    tokenHash: hash,
    email: params.email,
    expiresAt: new Date(Date.now() + TTL[params.purpose]),
  });
  const link = `${appOrigin()}${params.path}?token=${token}`;
  await sendMail({ to: params.email, subject: params.subject, text: `${params.text}\n\n${link}\n` });
}

/** Sends the link that proves the account receives mail at its address (throttled per account). */
export async function sendVerificationEmail(db: Db, user: { id: string; email: string }) {
  await takeAttempt(db, { throttle: "verificationMailAccount", subject: user.id });
  await mailLink(db, {
    userId: user.id,
    email: user.email,
    purpose: "verify_email",
    path: "/verify-email",
    subject: "Confirm your email for AI Nomads",
    text: "Confirm that this is your email address (the link works for 24 hours):",
  });
}

/** The same, after sign-up: a mail that cannot be sent does not undo the account (it can be sent again). */
export async function sendVerificationEmailQuietly(db: Db, user: { id: string; email: string }) {
  try {
    await sendVerificationEmail(db, user);
  } catch (error) {
    console.error(`[mail] verification mail for user ${user.id} not sent: ${describeError(error)}`);
  }
}

const tokenSchema = z.string().min(20).max(100);

/** Follows a verification link: the address it was sent to is verified, once. */
export async function verifyEmail(db: Db, input: unknown): Promise<void> {
  const token = tokenSchema.parse((input as { token?: unknown })?.token);
  await db.transaction(async (tx) => {
    const used = await consumeEmailToken(tx, { tokenHash: hashToken(token), purpose: "verify_email" });
    if (!used || !(await markEmailVerified(tx, used)))
      throw new AppError(
        "CONFLICT",
        "This link has expired, was already used, or is for an address the account no longer has.",
      );
  });
}

/**
 * Asks for a password-reset link. The answer is the same whether or not the address has
 * an account (nothing is revealed); throttled per client address and per account.
 */
export async function requestPasswordReset(db: Db, input: unknown, address: string): Promise<void> {
  const email = emailSchema.parse((input as { email?: unknown })?.email);
  await takeAttempt(db, { throttle: "passwordResetAddress", subject: address });
  const user = await getUserCredentialsByEmail(db, { email });
  if (!user?.passwordHash || !user.email) return;
  // Past the account's allowance no more mail is sent, but the answer stays the same.
  const allowed = await takeAttempt(db, { throttle: "passwordResetAccount", subject: user.id }).then(
    () => true,
    () => false,
  );
  if (!allowed) return;
  await mailLink(db, {
    userId: user.id,
    email: user.email,
    purpose: "reset_password",
    path: "/reset-password",
    subject: "Reset your AI Nomads password",
    text: "Someone (hopefully you) asked to reset your password. Choose a new one here within the hour; if it was not you, ignore this mail:",
  });
}

/** Sets a new password from a reset link; every existing session ends. The address is verified by it. */
export async function resetPassword(db: Db, input: unknown): Promise<void> {
  const parsed = z.object({ token: tokenSchema, password: passwordSchema }).parse(input);
  const passwordHash = await hashPassword(parsed.password);
  await db.transaction(async (tx) => {
    const used = await consumeEmailToken(tx, { tokenHash: hashToken(parsed.token), purpose: "reset_password" });
    if (!used) throw new AppError("CONFLICT", "This reset link has expired or was already used. Ask for a new one.");
    await setPasswordHash(tx, { userId: used.userId, passwordHash });
    await markEmailVerified(tx, used);
  });
}
