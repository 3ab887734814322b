"use client";

import { useRouter } from "next/navigation";
import { useFormAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { inviteMemberAction } from "@/lib/actions/orgs/invite-member";

/** Invites by email and shows the one-time link; works before the page's scripts load. */
export function InviteMemberForm({
  orgId,
  origin,
  roles,
}: {
  orgId: string;
  origin: string;
  /** The roles this person may give (an admin cannot invite owners). */
  roles: { value: string; label: string }[];
}) {
  const router = useRouter();
  const invite = useFormAction(inviteMemberAction, {
    onSuccess: (_invitation, form) => {
      form.reset();
      router.refresh();
    },
  });
  const link = invite.data ? { email: invite.data.email, url: `${origin}${invite.data.path}` } : undefined;

  return (
    <div className="space-y-3">
      <form {...invite.form} className="grid gap-3 sm:grid-cols-[1fr_140px_auto] sm:items-start">
        <input type="hidden" name="orgId" value={orgId} />
        <Field id="invite-email" label="Email" error={invite.fieldError("email")}>
          <Input name="email" type="email" required placeholder="teammate@company.com" />
        </Field>
        <Field id="invite-role" label="Role">
          <Select name="role" defaultValue="viewer">
            {roles.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" className="sm:mt-6" disabled={invite.pending}>
          {invite.pending ? "Inviting…" : "Invite"}
        </Button>
      </form>
      <FormError message={invite.formError(["email"])} />
      {link ? (
        <div className="rounded-md border bg-muted/50 p-3 text-sm" role="status">
          <p>
            Send this link to <strong>{link.email}</strong>. It works once, for that email, for 7 days:
          </p>
          <div className="mt-2 flex gap-2">
            <Input readOnly value={link.url} aria-label="Invitation link" onFocus={(e) => e.currentTarget.select()} />
            <Button type="button" variant="outline" onClick={() => void navigator.clipboard?.writeText(link.url)}>
              Copy
            </Button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
