"use server";

import { cookies } from "next/headers";
import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { createWallet } from "@/db/queries/wallets";
import { SIWE_BINDING_COOKIE, verifySiweSignature } from "@/lib/auth/siwe";
import { defineAuthAction } from "@/lib/actions/define-action";
import { env } from "@/lib/env";
import { fieldError, isUniqueViolation } from "@/lib/errors";

const schema = z.object({ message: z.string().min(1).max(4_000), signature: z.string().min(1).max(200) });

/** Links a wallet to the signed-in account after it proves control with a SIWE signature. */
export const linkWalletAction = defineAuthAction("link-wallet", schema, async (input, { db, user }) => {
  const address = await verifySiweSignature(db, {
    ...input,
    binding: (await cookies()).get(SIWE_BINDING_COOKIE)?.value,
    chainId: env.CHAIN_ID,
  });
  try {
    return await db.transaction(async (tx) => {
      const wallet = await createWallet(tx, { userId: user.id, address });
      await createAuditEntry(tx, {
        actorUserId: user.id,
        action: "wallet.linked",
        targetType: "wallet",
        targetId: address,
      });
      return wallet;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw fieldError("wallet", "This wallet is already linked to an account.");
    throw error;
  }
});
