"use server";

import { z } from "zod";
import { getPasswordHash } from "@/db/queries/users";
import { defineAuthAction } from "@/lib/actions/define-action";
import { requireCurrentPassword } from "@/lib/auth/password-sign-in";
import { eraseAccountAndLog } from "@/lib/data/erasure";
import { AppError } from "@/lib/errors";

const ERASE_CONFIRMATION = "erase my account";

/**
 * Erases the signed-in account (lib/data/erasure.ts): typed confirmation, and the current
 * password when the account has one. Refused while it is the last owner of an organisation
 * others are in.
 */
export const eraseAccountAction = defineAuthAction(
  "erase-account",
  z.object({
    confirm: z.literal(ERASE_CONFIRMATION, { error: `Type "${ERASE_CONFIRMATION}" to confirm.` }),
    currentPassword: z.string().max(200).optional(),
  }),
  async (input, { db, user }) => {
    if (await getPasswordHash(db, { userId: user.id }))
      await requireCurrentPassword(db, user, input.currentPassword ?? "");
    const result = await eraseAccountAndLog(db, user.id);
    if (!result.ok)
      throw new AppError(
        "CONFLICT",
        `You are the last owner of ${result.organisations.join(", ")}: make someone else an owner first.`,
      );
    return { erased: true };
  },
);
