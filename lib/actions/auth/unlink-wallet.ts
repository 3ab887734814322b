"use server";

import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { deleteWallet } from "@/db/queries/wallets";
import { defineAuthAction } from "@/lib/actions/define-action";
import { AppError } from "@/lib/errors";

export const unlinkWalletAction = defineAuthAction(
  "unlink-wallet",
  z.object({ walletId: z.uuid() }),
  async (input, { db, user }) =>
    db.transaction(async (tx) => {
      const removed = await deleteWallet(tx, { userId: user.id, walletId: input.walletId });
      if (!removed) {
        throw new AppError("NOT_FOUND", "Wallet not found, or it is the only way into this account.");
      }
      await createAuditEntry(tx, {
        actorUserId: user.id,
        action: "wallet.unlinked",
        targetType: "wallet",
        targetId: removed.id,
      });
      return removed;
    }),
);
