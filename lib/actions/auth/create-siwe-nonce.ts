"use server";

import { cookies, headers } from "next/headers";
import { z } from "zod";
import { issueSiweNonce, siweBindingCookie } from "@/lib/auth/siwe";
import { takeAttempt } from "@/lib/auth/throttle";
import { clientAddress } from "@/lib/http/client-address";
import { defineAction } from "@/lib/actions/define-action";
import { env } from "@/lib/env";

/**
 * A fresh single-use nonce and the chain the wallet must sign for. The nonce works only
 * in this browser: its binding secret goes into an HttpOnly cookie.
 */
export const createSiweNonceAction = defineAction("create-siwe-nonce", z.object({}), async (_input, { db }) => {
  await takeAttempt(db, { throttle: "siweNonceAddress", subject: clientAddress(await headers()) });
  const { nonce, binding } = await issueSiweNonce(db);
  (await cookies()).set(siweBindingCookie(binding));
  return { nonce, chainId: env.CHAIN_ID };
});
