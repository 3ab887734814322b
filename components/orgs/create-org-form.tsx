"use client";

import { useRouter } from "next/navigation";
import { useAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { createOrganizationAction } from "@/lib/actions/orgs/create-organization";

export function CreateOrgForm() {
  const router = useRouter();
  const create = useAction(createOrganizationAction, {
    onSuccess: (org) => router.push(`/orgs/${org.id}`),
  });
  return (
    <form
      className="flex flex-col gap-3 sm:flex-row sm:items-start"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        create.run({ name: String(new FormData(e.currentTarget).get("name") ?? "") });
      }}
    >
      <div className="flex-1">
        <Field id="org-name" label="Organisation name" error={create.fieldError("name")}>
          <Input name="name" required maxLength={80} placeholder="Acme Analytics" />
        </Field>
      </div>
      <Button type="submit" className="sm:mt-6" disabled={create.pending}>
        {create.pending ? "Creating…" : "Create organisation"}
      </Button>
      <FormError message={create.formError(["name"])} />
    </form>
  );
}
