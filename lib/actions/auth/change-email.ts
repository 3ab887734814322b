"use server";

import { cookies } from "next/headers";
import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { getPasswordHash, setUserEmail } from "@/db/queries/users";
import { emailSchema } from "@/lib/auth/credentials";
import { sendVerificationEmailQuietly } from "@/lib/auth/email-flows";
import { verifyPassword } from "@/lib/auth/password";
import { sessionCookie } from "@/lib/auth/session-cookie";
import { assertNotThrottled, countAgainst, type ThrottleKey } from "@/lib/auth/throttle";
import { defineAuthAction } from "@/lib/actions/define-action";
import { AppError, fieldError, isUniqueViolation } from "@/lib/errors";
import { describeError } from "@/lib/log";
import { sendMail } from "@/lib/mail/send";

const schema = z.object({
  newEmail: emailSchema,
  currentPassword: z.string().min(1, "Enter your current password.").max(200),
});

/**
 * Changes the account's email after checking the current password (throttled like
 * sign-in). The new address starts unconfirmed and is sent a link; the old one is told;
 * every other session ends and this browser gets a fresh one.
 */
export const changeEmailAction = defineAuthAction("change-email", schema, async (input, { db, user }) => {
  const key: ThrottleKey = { throttle: "passwordAccount", subject: user.email ?? `user:${user.id}` };
  await assertNotThrottled(db, [key]);
  const current = await getPasswordHash(db, { userId: user.id });
  if (!current) throw new AppError("INVALID_INPUT", "This account signs in with a wallet and has no password.");
  if (!(await verifyPassword(input.currentPassword, current))) {
    await countAgainst(db, [key]);
    throw fieldError("currentPassword", "That is not your current password.");
  }
  if (input.newEmail === user.email) throw fieldError("newEmail", "That is already your email.");
  let sessionVersion: number;
  try {
    sessionVersion = await db.transaction(async (tx) => {
      const version = await setUserEmail(tx, { userId: user.id, email: input.newEmail });
      await createAuditEntry(tx, {
        actorUserId: user.id,
        action: "user.email_changed",
        targetType: "user",
        targetId: user.id,
      });
      return version;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw fieldError("newEmail", "Another account uses this email.");
    throw error;
  }
  (await cookies()).set(await sessionCookie({ ...user, email: input.newEmail, sessionVersion }));
  await sendVerificationEmailQuietly(db, { id: user.id, email: input.newEmail });
  if (user.email) {
    await sendMail({
      to: user.email,
      subject: "Your AI Nomads email was changed",
      text: `The email of your AI Nomads account was changed to ${input.newEmail}. If that was not you, reset your password from the sign-in page and contact support.`,
    }).catch((error: unknown) =>
      console.error(`[mail] change notice for user ${user.id} not sent: ${describeError(error)}`),
    );
  }
  return { email: input.newEmail };
});
