"use client";

import { useRouter } from "next/navigation";
import { useFormAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { deleteOrganizationAction } from "@/lib/actions/orgs/delete-organization";

/** Delete the organisation (owners): what goes and what stays, and its name typed to confirm. */
export function DeleteOrganization({ orgId, name }: { orgId: string; name: string }) {
  const router = useRouter();
  const remove = useFormAction(deleteOrganizationAction, {
    onSuccess: () => {
      router.push("/orgs");
      router.refresh();
    },
  });
  return (
    <div className="space-y-3 text-sm">
      <p>
        Members, invitations, API keys, credits, webhooks and the activity trail are deleted. Purchases (payment
        records) and run records (their receipts) are kept, without the organisation.
      </p>
      <form {...remove.form} className="space-y-3">
        <input type="hidden" name="orgId" value={orgId} />
        <Field id="delete-org-confirm" label={`Type "${name}" to confirm`} error={remove.fieldError("confirm")}>
          <Input name="confirm" autoComplete="off" required />
        </Field>
        <Button type="submit" variant="destructive" disabled={remove.pending}>
          {remove.pending ? "Deleting…" : "Delete organisation"}
        </Button>
        <FormError message={remove.formError(["confirm"])} />
      </form>
    </div>
  );
}
