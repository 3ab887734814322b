"use client";

import { useState } from "react";
import { createSiweNonceAction } from "@/lib/actions/auth/create-siwe-nonce";
import { signSiweMessage, WalletError } from "@/lib/wallet/injected";

type Signed = { message: string; signature: string; address: string };

/**
 * The Sign-In with Ethereum round trip shared by signing in and linking a wallet: get a
 * server nonce, have the wallet sign, then hand the signature to `complete`, which
 * throws WalletError with a message for the person when the server refuses.
 */
export function useSiwe(statement: string, fallbackError: string, complete: (signed: Signed) => Promise<void>) {
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function run() {
    setPending(true);
    setError(undefined);
    try {
      const nonce = await createSiweNonceAction({});
      if (!nonce.ok) throw new WalletError(nonce.error.message);
      await complete(await signSiweMessage({ ...nonce.data, statement }));
    } catch (e) {
      setError(e instanceof WalletError ? e.message : fallbackError);
    } finally {
      setPending(false);
    }
  }

  return { run, pending, error };
}
