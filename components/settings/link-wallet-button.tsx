"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { createSiweNonceAction } from "@/lib/actions/auth/create-siwe-nonce";
import { linkWalletAction } from "@/lib/actions/auth/link-wallet";
import { useUiStore } from "@/lib/stores/ui-store";
import { signSiweMessage, WalletError } from "@/lib/wallet/injected";

export function LinkWalletButton() {
  const router = useRouter();
  const toast = useUiStore((s) => s.toast);
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function onClick() {
    setPending(true);
    setError(undefined);
    try {
      const nonce = await createSiweNonceAction({});
      if (!nonce.ok) throw new WalletError(nonce.error.message);
      const signed = await signSiweMessage({ ...nonce.data, statement: "Link this wallet to my AI Nomads account." });
      const result = await linkWalletAction({ message: signed.message, signature: signed.signature });
      if (!result.ok) throw new WalletError(result.error.fieldErrors?.wallet?.[0] ?? result.error.message);
      toast({ title: "Wallet linked", description: result.data.address });
      router.refresh();
    } catch (e) {
      setError(e instanceof WalletError ? e.message : "Linking the wallet failed. Try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="space-y-2">
      <Button type="button" variant="outline" onClick={onClick} disabled={pending}>
        {pending ? "Waiting for your wallet…" : "Link a wallet"}
      </Button>
      <FormError message={error} />
    </div>
  );
}
