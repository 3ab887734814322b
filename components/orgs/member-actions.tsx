"use client";

import { useRouter } from "next/navigation";
import { useAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { removeMemberAction } from "@/lib/actions/orgs/remove-member";
import { revokeInvitationAction } from "@/lib/actions/orgs/revoke-invitation";

export function RemoveMemberButton({ orgId, userId, label }: { orgId: string; userId: string; label: string }) {
  const router = useRouter();
  const remove = useAction(removeMemberAction, { onSuccess: () => router.refresh() });
  return (
    <div className="text-right">
      <Button
        size="sm"
        variant="ghost"
        aria-label={`Remove ${label}`}
        disabled={remove.pending}
        onClick={() => {
          if (window.confirm(`Remove ${label} from this organisation?`)) remove.run({ orgId, userId });
        }}
      >
        Remove
      </Button>
      {remove.error ? (
        <p role="alert" className="text-xs text-destructive">
          {remove.error.message}
        </p>
      ) : null}
    </div>
  );
}

export function RevokeInvitationButton({ orgId, invitationId }: { orgId: string; invitationId: string }) {
  const router = useRouter();
  const revoke = useAction(revokeInvitationAction, { onSuccess: () => router.refresh() });
  return (
    <Button size="sm" variant="ghost" disabled={revoke.pending} onClick={() => revoke.run({ orgId, invitationId })}>
      Revoke
    </Button>
  );
}
