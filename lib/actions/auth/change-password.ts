"use server";

import { cookies } from "next/headers";
import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { setPasswordHash } from "@/db/queries/users";
import { passwordSchema } from "@/lib/auth/credentials";
import { hashPassword } from "@/lib/auth/password";
import { requireCurrentPassword } from "@/lib/auth/password-sign-in";
import { sessionCookie } from "@/lib/auth/session-cookie";
import { defineAuthAction } from "@/lib/actions/define-action";

const schema = z.object({
  currentPassword: z.string().min(1, "Enter your current password.").max(200),
  newPassword: passwordSchema,
});

/**
 * Changes the password after checking the current one (throttled like sign-in). Every
 * other session ends; this browser gets a fresh session.
 */
export const changePasswordAction = defineAuthAction("change-password", schema, async (input, { db, user }) => {
  await requireCurrentPassword(db, user, input.currentPassword);
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
