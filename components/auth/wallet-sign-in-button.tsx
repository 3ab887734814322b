"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { createSiweNonceAction } from "@/lib/actions/auth/create-siwe-nonce";
import { signSiweMessage, WalletError } from "@/lib/wallet/injected";

export function WalletSignInButton({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function onClick() {
    setPending(true);
    setError(undefined);
    try {
      const nonce = await createSiweNonceAction({});
      if (!nonce.ok) throw new WalletError(nonce.error.message);
      const signed = await signSiweMessage({ ...nonce.data, statement: "Sign in to AI Nomads." });
      const result = await signIn("siwe", { message: signed.message, signature: signed.signature, redirect: false });
      if (!result?.ok) throw new WalletError(result?.error ?? "Sign-in with your wallet failed.");
      router.push(callbackUrl);
      router.refresh();
    } catch (e) {
      setError(e instanceof WalletError ? e.message : "Sign-in with your wallet failed. Try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="space-y-2">
      <Button type="button" variant="outline" className="w-full" onClick={onClick} disabled={pending}>
        {pending ? "Waiting for your wallet…" : "Sign in with Ethereum"}
      </Button>
      <FormError message={error} />
    </div>
  );
}
