import type { Metadata } from "next";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { formErrorMessage } from "@/lib/auth/form-errors";

export const metadata: Metadata = { title: "Confirm your email" };

/** Where the verification link lands: one button confirms (a mail scanner's GET confirms nothing). */
export default async function VerifyEmailPage({
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
        <CardTitle className="text-2xl">Confirm your email</CardTitle>
      </CardHeader>
      <CardContent className="space-y-4 text-sm">
        {error ? (
          <p role="alert" className="text-destructive">
            {error}
          </p>
        ) : null}
        {token ? (
          <form method="post" action="/api/auth/verify-email">
            <input type="hidden" name="token" value={token} />
            <Button type="submit">Confirm my email</Button>
          </form>
        ) : (
          <p className="text-muted-foreground">Open the link we mailed you; you can ask for a new one in Settings.</p>
        )}
      </CardContent>
    </Card>
  );
}
