"use client";

import { useRouter } from "next/navigation";
import { useSiwe } from "@/components/auth/use-siwe";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { linkWalletAction } from "@/lib/actions/auth/link-wallet";
import { useUiStore } from "@/lib/stores/ui-store";
import { WalletError } from "@/lib/wallet/errors";

export function LinkWalletButton() {
  const router = useRouter();
  const toast = useUiStore((s) => s.toast);
  const link = useSiwe(
    "Link this wallet to my AI Nomads account.",
    "Linking the wallet failed. Try again.",
    async (signed) => {
      const result = await linkWalletAction({ message: signed.message, signature: signed.signature });
      if (!result.ok) throw new WalletError(result.error.fieldErrors?.wallet?.[0] ?? result.error.message);
      toast({ title: "Wallet linked", description: result.data.address });
      router.refresh();
    },
  );

  return (
    <div className="space-y-2">
      <Button type="button" variant="outline" onClick={() => void link.run()} disabled={link.pending}>
        {link.pending ? "Waiting for your wallet…" : "Link a wallet"}
      </Button>
      <FormError message={link.error} />
    </div>
  );
}
