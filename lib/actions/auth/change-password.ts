"use server";

import { cookies } from "next/headers";
import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { getPasswordHash, setPasswordHash } from "@/db/queries/users";
import { passwordSchema } from "@/lib/auth/credentials";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { sessionCookie } from "@/lib/auth/session-cookie";
import { assertNotThrottled, countAgainst, type ThrottleKey } from "@/lib/auth/throttle";
import { defineAuthAction } from "@/lib/actions/define-action";
import { AppError, fieldError } from "@/lib/errors";

const schema = z.object({
  currentPassword: z.string().min(1, "Enter your current password.").max(200),
  newPassword: passwordSchema,
});

/**
 * Changes the password after checking the current one (throttled like sign-in). Every
 * other session ends; this browser gets a fresh session.
 */
export const changePasswordAction = defineAuthAction("change-password", schema, async (input, { db, user }) => {
  const key: ThrottleKey = { throttle: "passwordAccount", subject: user.email ?? `user:${user.id}` };
  await assertNotThrottled(db, [key]);
  const current = await getPasswordHash(db, { userId: user.id });
  if (!current) throw new AppError("INVALID_INPUT", "This account signs in with a wallet and has no password.");
  if (!(await verifyPassword(input.currentPassword, current))) {
    await countAgainst(db, [key]);
    throw fieldError("currentPassword", "That is not your current password.");
  }
  const passwordHash = await hashPassword(input.newPassword);
  const sessionVersion = await db.transaction(async (tx) => {
    const version = await setPasswordHash(tx, { userId: user.id, passwordHash });
    await createAuditEntry(tx, {
      actorUserId: user.id,
      action: "user.password_changed",
      targetType: "user",
      targetId: user.id,
    });
    return version;
  });
  (await cookies()).set(await sessionCookie({ ...user, sessionVersion }));
  return { changed: true };
});
