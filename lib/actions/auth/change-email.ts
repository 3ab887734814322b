"use server";

import { cookies } from "next/headers";
import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { isEmailVerified } from "@/db/queries/email-tokens";
import { setUserEmail } from "@/db/queries/users";
import { emailSchema } from "@/lib/auth/credentials";
import { sendVerificationEmailQuietly } from "@/lib/auth/email-flows";
import { requireCurrentPassword } from "@/lib/auth/password-sign-in";
import { sessionCookie } from "@/lib/auth/session-cookie";
import { defineAuthAction } from "@/lib/actions/define-action";
import { fieldError, isUniqueViolation } from "@/lib/errors";
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
  await requireCurrentPassword(db, user, input.currentPassword);
  // Only a confirmed address is told of the change: a chain of changes must not turn the
  // notice into mail to addresses the account never owned.
  const oldConfirmed = user.email ? await isEmailVerified(db, { userId: user.id, email: user.email }) : false;
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
  if (user.email && oldConfirmed) {
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
