import type { Metadata } from "next";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { formErrorMessage } from "@/lib/auth/form-errors";

export const metadata: Metadata = { title: "Forgot your password" };

/** Asks for a reset link; works without scripts. */
export default async function ForgotPasswordPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const params = await searchParams;
  const error = formErrorMessage(params.error, params.retryAfter);
  return (
    <Card className="mx-auto max-w-md">
      <CardHeader>
        <CardTitle className="text-2xl">Forgot your password</CardTitle>
      </CardHeader>
      <CardContent className="space-y-4 text-sm">
        {params.sent ? (
          <p data-testid="reset-sent">
            If an account uses that address, a link to choose a new password is on its way.
          </p>
        ) : null}
        {error ? (
          <p role="alert" className="text-destructive">
            {error}
          </p>
        ) : null}
        <form method="post" action="/api/auth/forgot-password" className="space-y-4">
          <Field id="email" label="Email">
            <Input name="email" type="email" autoComplete="email" required />
          </Field>
          <Button type="submit">Send me a link</Button>
        </form>
      </CardContent>
    </Card>
  );
}
