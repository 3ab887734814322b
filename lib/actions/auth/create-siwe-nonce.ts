"use server";

import { z } from "zod";
import { issueSiweNonce } from "@/lib/auth/siwe";
import { defineAction } from "@/lib/actions/define-action";
import { env } from "@/lib/env";

/** A fresh single-use nonce and the chain the wallet must sign for. */
export const createSiweNonceAction = defineAction("create-siwe-nonce", z.object({}), async (_input, { db }) => ({
  nonce: await issueSiweNonce(db),
  chainId: env.CHAIN_ID,
}));
