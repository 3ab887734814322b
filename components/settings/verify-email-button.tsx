"use client";

import { useFormAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { FormError, FormStatus } from "@/components/ui/field";
import { resendVerificationAction } from "@/lib/actions/auth/resend-verification";

/** Sends the verification link again; works before the page's scripts load. */
export function VerifyEmailButton() {
  const resend = useFormAction(resendVerificationAction);
  return (
    <form {...resend.form} className="space-y-1">
      <Button type="submit" variant="outline" size="sm" disabled={resend.pending}>
        {resend.pending ? "Sending…" : "Send the link again"}
      </Button>
      <FormError message={resend.formError([])} />
      <FormStatus>
        {resend.data
          ? resend.data.sent
            ? "Sent: open the link in the mail."
            : "Your email is already confirmed."
          : null}
      </FormStatus>
    </form>
  );
}
