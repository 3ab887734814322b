"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useFormAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { Field, FormError, FormStatus } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { createOrganizationAction } from "@/lib/actions/orgs/create-organization";

export function CreateOrgForm() {
  const router = useRouter();
  const create = useFormAction(createOrganizationAction, {
    onSuccess: (org) => router.push(`/orgs/${org.id}`),
  });
  return (
    <form {...create.form} className="flex flex-col gap-3 sm:flex-row sm:items-start">
      <div className="flex-1">
        <Field id="org-name" label="Organisation name" error={create.fieldError("name")}>
          <Input name="name" required maxLength={80} placeholder="Acme Analytics" />
        </Field>
      </div>
      <Button type="submit" className="sm:mt-6" disabled={create.pending}>
        {create.pending ? "Creating…" : "Create organisation"}
      </Button>
      <FormError message={create.formError(["name"])} />
      {create.data ? (
        <FormStatus>
          {create.data.name} is ready: <Link href={`/orgs/${create.data.id}`}>open it</Link>.
        </FormStatus>
      ) : null}
    </form>
  );
}
