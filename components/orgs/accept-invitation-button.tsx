"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useFormAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { FormError, FormStatus } from "@/components/ui/field";
import { acceptInvitationAction } from "@/lib/actions/orgs/accept-invitation";

/** Joins the organisation; works before the page's scripts load. */
export function AcceptInvitationButton({ token }: { token: string }) {
  const router = useRouter();
  const accept = useFormAction(acceptInvitationAction, {
    onSuccess: ({ orgId }) => {
      router.push(`/orgs/${orgId}`);
      router.refresh();
    },
  });
  return (
    <form {...accept.form} className="space-y-3">
      <input type="hidden" name="token" value={token} />
      {accept.data ? (
        <FormStatus>
          You joined: <Link href={`/orgs/${accept.data.orgId}`}>open the organisation</Link>.
        </FormStatus>
      ) : (
        <Button type="submit" disabled={accept.pending}>
          {accept.pending ? "Joining…" : "Accept invitation"}
        </Button>
      )}
      <FormError message={accept.error?.message} />
    </form>
  );
}
