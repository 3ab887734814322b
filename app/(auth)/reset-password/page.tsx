import type { Metadata } from "next";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { formErrorMessage } from "@/lib/auth/form-errors";

export const metadata: Metadata = { title: "Choose a new password" };

/** Where the reset link lands: a new password, posted with the link's token (no scripts needed). */
export default async function ResetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const params = await searchParams;
  const token = typeof params.token === "string" ? params.token : null;
  const error = formErrorMessage(params.error, params.retryAfter);
  return (
    <Card className="mx-auto max-w-md">
      <CardHeader>
        <CardTitle className="text-2xl">Choose a new password</CardTitle>
      </CardHeader>
      <CardContent className="space-y-4 text-sm">
        {error ? (
          <p role="alert" className="text-destructive">
            {error}
          </p>
        ) : null}
        {token ? (
          <form method="post" action="/api/auth/reset-password" className="space-y-4">
            <input type="hidden" name="token" value={token} />
            <Field
              id="password"
              label="New password"
              hint="At least 10 characters. Every signed-in device is signed out."
            >
              <Input name="password" type="password" autoComplete="new-password" required minLength={10} />
            </Field>
            <Button type="submit">Set the new password</Button>
          </form>
        ) : (
          <p>
            Open the link we mailed you, or{" "}
            <Link href="/forgot-password" className="text-primary hover:underline">
              ask for a new one
            </Link>
            .
          </p>
        )}
      </CardContent>
    </Card>
  );
}
