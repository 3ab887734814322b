"use client";

import { useRouter } from "next/navigation";
import { useAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { unlinkWalletAction } from "@/lib/actions/auth/unlink-wallet";

export function UnlinkWalletButton({ walletId }: { walletId: string }) {
  const router = useRouter();
  const unlink = useAction(unlinkWalletAction, { onSuccess: () => router.refresh() });
  return (
    <div className="text-right">
      <Button size="sm" variant="ghost" disabled={unlink.pending} onClick={() => unlink.run({ walletId })}>
        Unlink
      </Button>
      {unlink.error ? (
        <p role="alert" className="text-xs text-destructive">
          {unlink.error.message}
        </p>
      ) : null}
    </div>
  );
}
