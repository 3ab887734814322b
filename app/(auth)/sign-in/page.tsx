import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { WalletSignInButton } from "@/components/auth/wallet-sign-in-button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { formErrorMessage } from "@/lib/auth/form-errors";
import { getSessionUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await getSessionUser()) redirect(callbackUrl);
  return (
    <Card className="mx-auto max-w-md">
      <CardHeader>
        <CardTitle className="text-2xl">Sign in</CardTitle>
        <p className="text-sm text-muted-foreground">
          New here?{" "}
          <Link
            href={`/sign-up?callbackUrl=${encodeURIComponent(callbackUrl)}`}
            className="text-primary hover:underline"
          >
            Create an account
          </Link>
        </p>
      </CardHeader>
      <CardContent className="space-y-6">
        {params.reset ? (
          <p className="text-sm" data-testid="password-reset-done">
            Your password was changed and every device signed out. Sign in with the new one.
          </p>
        ) : null}
        <SignInForm callbackUrl={callbackUrl} initialError={formErrorMessage(params.error, params.retryAfter)} />
        <p className="text-sm">
          <Link href="/forgot-password" className="text-primary hover:underline">
            Forgot your password?
          </Link>
        </p>
        <div className="flex items-center gap-3 text-xs text-muted-foreground">
          <span className="h-px flex-1 bg-border" /> or <span className="h-px flex-1 bg-border" />
        </div>
        <WalletSignInButton callbackUrl={callbackUrl} />
      </CardContent>
    </Card>
  );
}
