"use server";

import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { setAccountSuspended } from "@/db/queries/operator";
import { defineOperatorAction } from "@/lib/actions/define-action";
import { isOperator } from "@/lib/auth/operator";
import { AppError } from "@/lib/errors";
import { operatorReason } from "./schemas";

/**
 * Suspends an account: its sessions end, it cannot sign in, the API keys it created are
 * refused (problem `account-suspended`). Operators named by configuration cannot be
 * suspended here (take them out of OPERATOR_EMAILS / OPERATOR_WALLETS first).
 */
export const suspendAccountAction = defineOperatorAction(
  "suspend-account",
  z.object({ userId: z.uuid(), reason: operatorReason }),
  async (input, { db, user }) => {
    if (await isOperator(db, input.userId))
      throw new AppError("CONFLICT", "Operators are named by configuration; remove them there before suspending them.");
    return db.transaction(async (tx) => {
      const account = await setAccountSuspended(tx, {
        userId: input.userId,
        suspended: true,
        reason: input.reason,
        now: new Date(),
      });
      if (!account) throw new AppError("CONFLICT", "There is no such account, or it is suspended already.");
      await createAuditEntry(tx, {
        actorUserId: user.id,
        action: "operator.account_suspended",
        targetType: "user",
        targetId: account.id,
        metadata: { reason: input.reason },
      });
      return { userId: account.id };
    });
  },
);

/** Restores a suspended account (it signs in again; its keys work again). */
export const restoreAccountAction = defineOperatorAction(
  "restore-account",
  z.object({ userId: z.uuid() }),
  async (input, { db, user }) =>
    db.transaction(async (tx) => {
      const account = await setAccountSuspended(tx, { userId: input.userId, suspended: false, now: new Date() });
      if (!account) throw new AppError("CONFLICT", "There is no such account, or it is not suspended.");
      await createAuditEntry(tx, {
        actorUserId: user.id,
        action: "operator.account_restored",
        targetType: "user",
        targetId: account.id,
      });
      return { userId: account.id };
    }),
);
