"use client";

import { useRouter } from "next/navigation";
import { useAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/input";
import { changeMemberRoleAction } from "@/lib/actions/orgs/change-member-role";
import { removeMemberAction } from "@/lib/actions/orgs/remove-member";
import type { ORG_ROLES } from "@/lib/auth/permissions";
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

/** A member's role, changeable by those whose role manages members (the server checks again). */
export function MemberRoleSelect({
  orgId,
  userId,
  label,
  role,
  roles,
}: {
  orgId: string;
  userId: string;
  label: string;
  role: string;
  roles: { value: string; label: string }[];
}) {
  const router = useRouter();
  const change = useAction(changeMemberRoleAction, { onSuccess: () => router.refresh() });
  return (
    <div className="text-right">
      <Select
        aria-label={`Role of ${label}`}
        className="touch-target w-32"
        value={role}
        disabled={change.pending}
        onChange={(event) =>
          change.run({ orgId, userId, role: event.currentTarget.value as (typeof ORG_ROLES)[number] })
        }
      >
        {roles.map((r) => (
          <option key={r.value} value={r.value}>
            {r.label}
          </option>
        ))}
      </Select>
      {change.error ? (
        <p role="alert" className="text-xs text-destructive">
          {change.error.message}
        </p>
      ) : null}
    </div>
  );
}
