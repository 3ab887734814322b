"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { WalletError } from "@/lib/wallet/errors";
import { useSiwe } from "./use-siwe";

export function WalletSignInButton({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const siwe = useSiwe("Sign in to AI Nomads.", "Sign-in with your wallet failed. Try again.", async (signed) => {
    const result = await signIn("siwe", { message: signed.message, signature: signed.signature, redirect: false });
    if (!result?.ok) throw new WalletError(result?.error ?? "Sign-in with your wallet failed.");
    router.push(callbackUrl);
    router.refresh();
  });

  return (
    <div className="space-y-2">
      <Button
        type="button"
        variant="outline"
        className="w-full"
        onClick={() => void siwe.run()}
        disabled={siwe.pending}
      >
        {siwe.pending ? "Waiting for your wallet…" : "Sign in with Ethereum"}
      </Button>
      <FormError message={siwe.error} />
    </div>
  );
}
