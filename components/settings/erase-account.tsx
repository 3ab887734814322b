"use client";

import { useRouter } from "next/navigation";
import { useFormAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { eraseAccountAction } from "@/lib/actions/data/erase-account";

/** Erase the account: what is kept and why, a typed confirmation, and the password when there is one. */
export function EraseAccount({ kept, hasPassword }: { kept: readonly string[]; hasPassword: boolean }) {
  const router = useRouter();
  const erase = useFormAction(eraseAccountAction, {
    onSuccess: () => {
      // Every session of the account has ended; leave for the home page.
      router.push("/");
      router.refresh();
    },
  });
  return (
    <div className="space-y-3 text-sm">
      <p>
        Your profile, email, password, wallet links, memberships, review texts, the contents of your runs and your
        activity&apos;s addresses are deleted; organisations only you are in are deleted. You cannot sign in again, and
        your email can be used for a new account. Kept, and why:
      </p>
      <ul className="list-disc space-y-1 pl-5 text-muted-foreground" aria-label="Kept after erasure">
        {kept.map((k) => (
          <li key={k}>{k}</li>
        ))}
      </ul>
      <form {...erase.form} className="space-y-3">
        <Field id="erase-confirm" label='Type "erase my account"' error={erase.fieldError("confirm")}>
          <Input name="confirm" autoComplete="off" required />
        </Field>
        {hasPassword ? (
          <Field id="erase-password" label="Your password, to confirm" error={erase.fieldError("currentPassword")}>
            <Input name="currentPassword" type="password" autoComplete="current-password" required />
          </Field>
        ) : null}
        <Button type="submit" variant="destructive" disabled={erase.pending}>
          {erase.pending ? "Erasing…" : "Erase my account"}
        </Button>
        <FormError message={erase.formError(["confirm", "currentPassword"])} />
      </form>
    </div>
  );
}
