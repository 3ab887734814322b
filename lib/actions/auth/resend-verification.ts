"use server";

import { z } from "zod";
import { isEmailVerified } from "@/db/queries/email-tokens";
import { sendVerificationEmail } from "@/lib/auth/email-flows";
import { defineAuthAction } from "@/lib/actions/define-action";
import { AppError } from "@/lib/errors";

/** Mails the verification link again (at most 5 an hour per account). */
export const resendVerificationAction = defineAuthAction(
  "resend-verification",
  z.object({}),
  async (_input, { db, user }) => {
    if (!user.email) throw new AppError("INVALID_INPUT", "This account has no email address.");
    if (await isEmailVerified(db, { userId: user.id })) return { sent: false };
    await sendVerificationEmail(db, { id: user.id, email: user.email });
    return { sent: true };
  },
);
