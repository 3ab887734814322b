"use client";

import { useState } from "react";
import { useChainWallet } from "@/components/wallet/chain-wallet";
import { createSiweNonceAction } from "@/lib/actions/auth/create-siwe-nonce";
import { describeWalletError, WalletError } from "@/lib/wallet/errors";
import { loadWallet } from "@/lib/wallet/load";

type Signed = { message: string; signature: string; address: string };

/**
 * The Sign-In with Ethereum round trip shared by signing in and linking a wallet: get a
 * server nonce, connect the wallet on the server's chain (switching when needed), have it
 * sign, then hand the signature to `complete`, which throws WalletError with a message
 * for the person when the server refuses.
 */
export function useSiwe(statement: string, fallbackError: string, complete: (signed: Signed) => Promise<void>) {
  const wallet = useChainWallet();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function run() {
    setPending(true);
    setError(undefined);
    try {
      const nonce = await createSiweNonceAction({});
      if (!nonce.ok) throw new WalletError(nonce.error.message);
      const { chainId } = nonce.data;
      const account = await wallet.requireAccount({
        chain: { chainId, rpcUrl: wallet.chain?.chainId === chainId ? wallet.chain.rpcUrl : undefined },
      });
      const message = (await loadWallet()).siweMessage({
        address: account.address as `0x${string}`,
        nonce: nonce.data.nonce,
        chainId,
        statement,
      });
      let signature: string;
      try {
        signature = await account.signMessage({ message });
      } catch (e) {
        throw describeWalletError(e, "Your wallet could not sign the message.");
      }
      await complete({ message, signature, address: account.address });
    } catch (e) {
      setError(e instanceof WalletError ? e.message : fallbackError);
    } finally {
      setPending(false);
    }
  }

  return { run, pending, error };
}
