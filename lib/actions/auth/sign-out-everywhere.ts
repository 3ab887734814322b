"use server";

import { cookies } from "next/headers";
import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { bumpSessionVersion } from "@/db/queries/users";
import { sessionCookieName } from "@/lib/auth/session-cookie";
import { defineAuthAction } from "@/lib/actions/define-action";

/** Ends every session of the account, on every device, this one included. */
export const signOutEverywhereAction = defineAuthAction(
  "sign-out-everywhere",
  z.object({}),
  async (_input, { db, user }) => {
    await db.transaction(async (tx) => {
      await bumpSessionVersion(tx, { userId: user.id });
      await createAuditEntry(tx, {
        actorUserId: user.id,
        action: "user.signed_out_everywhere",
        targetType: "user",
        targetId: user.id,
      });
    });
    (await cookies()).delete(sessionCookieName());
    return { signedOut: true };
  },
);
