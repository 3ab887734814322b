"use client";

import { useRouter } from "next/navigation";
import { useAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { acceptInvitationAction } from "@/lib/actions/orgs/accept-invitation";

export function AcceptInvitationButton({ token }: { token: string }) {
  const router = useRouter();
  const accept = useAction(acceptInvitationAction, {
    onSuccess: ({ orgId }) => {
      router.push(`/orgs/${orgId}`);
      router.refresh();
    },
  });
  return (
    <div className="space-y-3">
      <Button onClick={() => accept.run({ token })} disabled={accept.pending}>
        {accept.pending ? "Joining…" : "Accept invitation"}
      </Button>
      <FormError message={accept.error?.message} />
    </div>
  );
}
