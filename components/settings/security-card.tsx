"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { changeEmailAction } from "@/lib/actions/auth/change-email";
import { changePasswordAction } from "@/lib/actions/auth/change-password";
import { signOutEverywhereAction } from "@/lib/actions/auth/sign-out-everywhere";
import { useUiStore } from "@/lib/stores/ui-store";

/** Change the password (with the current one) and end every session on every device. */
export function SecurityCard({ hasPassword }: { hasPassword: boolean }) {
  const router = useRouter();
  const toast = useUiStore((s) => s.toast);
  const [form, setForm] = useState({ currentPassword: "", newPassword: "" });
  const change = useAction(changePasswordAction, {
    onSuccess: () => {
      setForm({ currentPassword: "", newPassword: "" });
      toast({ title: "Password changed: your other sessions have ended" });
    },
  });
  const [emailForm, setEmailForm] = useState({ newEmail: "", currentPassword: "" });
  const changeEmail = useAction(changeEmailAction, {
    onSuccess: () => {
      setEmailForm({ newEmail: "", currentPassword: "" });
      toast({ title: "Email changed: open the link we sent to the new address" });
      router.refresh();
    },
  });
  const everywhere = useAction(signOutEverywhereAction, {
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
          <form
            method="post"
            className="space-y-3"
            onSubmit={(event) => {
              event.preventDefault();
              change.run(form);
            }}
          >
            <Field id="current-password" label="Current password" error={change.fieldError("currentPassword")}>
              <Input
                type="password"
                autoComplete="current-password"
                value={form.currentPassword}
                onChange={(e) => setForm({ ...form, currentPassword: e.target.value })}
              />
            </Field>
            <Field
              id="new-password"
              label="New password"
              error={change.fieldError("newPassword")}
              hint="At least 10 characters."
            >
              <Input
                type="password"
                autoComplete="new-password"
                value={form.newPassword}
                onChange={(e) => setForm({ ...form, newPassword: e.target.value })}
              />
            </Field>
            <FormError message={change.formError(["currentPassword", "newPassword"])} />
            <Button type="submit" disabled={change.pending}>
              {change.pending ? "Changing…" : "Change password"}
            </Button>
          </form>
        ) : null}
        {hasPassword ? (
          <form
            method="post"
            className="space-y-3"
            onSubmit={(event) => {
              event.preventDefault();
              changeEmail.run(emailForm);
            }}
          >
            <Field id="new-email" label="New email" error={changeEmail.fieldError("newEmail")}>
              <Input
                type="email"
                autoComplete="email"
                value={emailForm.newEmail}
                onChange={(e) => setEmailForm({ ...emailForm, newEmail: e.target.value })}
              />
            </Field>
            <Field
              id="email-current-password"
              label="Current password"
              error={changeEmail.fieldError("currentPassword")}
            >
              <Input
                type="password"
                autoComplete="current-password"
                value={emailForm.currentPassword}
                onChange={(e) => setEmailForm({ ...emailForm, currentPassword: e.target.value })}
              />
            </Field>
            <FormError message={changeEmail.formError(["newEmail", "currentPassword"])} />
            <Button type="submit" variant="outline" disabled={changeEmail.pending}>
              {changeEmail.pending ? "Changing…" : "Change email"}
            </Button>
          </form>
        ) : null}
        <div className="space-y-2">
          <p className="text-sm text-muted-foreground">
            Signed in on a device you no longer have? End every session, this one included.
          </p>
          <Button variant="outline" disabled={everywhere.pending} onClick={() => everywhere.run({})}>
            Sign out everywhere
          </Button>
          <FormError message={everywhere.formError([])} />
        </div>
      </CardContent>
    </Card>
  );
}
