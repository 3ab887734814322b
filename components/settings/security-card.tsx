"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useFormAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, FormError, FormStatus } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { changeEmailAction } from "@/lib/actions/auth/change-email";
import { changePasswordAction } from "@/lib/actions/auth/change-password";
import { signOutEverywhereAction } from "@/lib/actions/auth/sign-out-everywhere";

/**
 * Change the password or the email (each with the current password) and end every session
 * on every device. Each form works before the page's scripts load.
 */
export function SecurityCard({ hasPassword }: { hasPassword: boolean }) {
  const router = useRouter();
  const change = useFormAction(changePasswordAction, { onSuccess: (_data, form) => form.reset() });
  const changeEmail = useFormAction(changeEmailAction, {
    onSuccess: (_data, form) => {
      form.reset();
      router.refresh();
    },
  });
  const everywhere = useFormAction(signOutEverywhereAction, {
    onSuccess: () => {
      router.push("/sign-in");
      router.refresh();
    },
  });
  return (
    <Card>
      <CardHeader>
        <CardTitle>Security</CardTitle>
      </CardHeader>
      <CardContent className="space-y-6">
        {hasPassword ? (
          <form {...change.form} className="space-y-3">
            <Field id="current-password" label="Current password" error={change.fieldError("currentPassword")}>
              <Input name="currentPassword" type="password" autoComplete="current-password" />
            </Field>
            <Field
              id="new-password"
              label="New password"
              error={change.fieldError("newPassword")}
              hint="At least 10 characters."
            >
              <Input name="newPassword" type="password" autoComplete="new-password" />
            </Field>
            <FormError message={change.formError(["currentPassword", "newPassword"])} />
            <FormStatus>{change.data ? "Password changed: your other sessions have ended." : null}</FormStatus>
            <Button type="submit" disabled={change.pending}>
              {change.pending ? "Changing…" : "Change password"}
            </Button>
          </form>
        ) : null}
        {hasPassword ? (
          <form {...changeEmail.form} className="space-y-3">
            <Field id="new-email" label="New email" error={changeEmail.fieldError("newEmail")}>
              <Input name="newEmail" type="email" autoComplete="email" />
            </Field>
            <Field
              id="email-current-password"
              label="Current password"
              error={changeEmail.fieldError("currentPassword")}
            >
              <Input name="currentPassword" type="password" autoComplete="current-password" />
            </Field>
            <FormError message={changeEmail.formError(["newEmail", "currentPassword"])} />
            <FormStatus>
              {changeEmail.data ? "Email changed: open the link we sent to the new address." : null}
            </FormStatus>
            <Button type="submit" variant="outline" disabled={changeEmail.pending}>
              {changeEmail.pending ? "Changing…" : "Change email"}
            </Button>
          </form>
        ) : null}
        <form {...everywhere.form} className="space-y-2">
          <p className="text-sm text-muted-foreground">
            Signed in on a device you no longer have? End every session, this one included.
          </p>
          {everywhere.data ? (
            <FormStatus>
              Every session has ended. <Link href="/sign-in">Sign in again</Link>
            </FormStatus>
          ) : (
            <Button type="submit" variant="outline" disabled={everywhere.pending}>
              Sign out everywhere
            </Button>
          )}
          <FormError message={everywhere.formError([])} />
        </form>
      </CardContent>
    </Card>
  );
}
