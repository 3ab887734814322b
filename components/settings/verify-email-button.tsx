"use client";

import { useAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { resendVerificationAction } from "@/lib/actions/auth/resend-verification";

/** Sends the verification link again. */
export function VerifyEmailButton() {
  const resend = useAction(resendVerificationAction);
  return (
    <div className="space-y-1">
      <Button variant="outline" size="sm" disabled={resend.pending} onClick={() => resend.run({})}>
        {resend.pending ? "Sending…" : "Send the link again"}
      </Button>
      <FormError message={resend.formError([])} />
    </div>
  );
}
