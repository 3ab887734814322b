"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { signInSchema } from "@/lib/auth/credentials";
import { postForm } from "./post-form";

type Errors = { email?: string; password?: string; form?: string };

const ACTION = "/api/auth/sign-in";

/**
 * Posts to /api/auth/sign-in: natively before the page's script has loaded (the password
 * goes in the body, never the URL), or as JSON once it has, to show errors in place.
 */
export function SignInForm({ callbackUrl, initialError }: { callbackUrl: string; initialError?: string }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({ form: initialError });
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = signInSchema.safeParse({ email: form.get("email"), password: form.get("password") });
    if (!parsed.success) {
      const fields = z.flattenError(parsed.error).fieldErrors;
      setErrors({ email: fields.email?.[0], password: fields.password?.[0] });
      return;
    }
    setPending(true);
    setErrors({});
    const result = await postForm(ACTION, { ...parsed.data, callbackUrl });
    if ("redirectTo" in result) {
      router.push(result.redirectTo);
      router.refresh();
      return;
    }
    const { message, fieldErrors } = result.problem;
    setErrors(
      fieldErrors.password || fieldErrors.email
        ? { email: fieldErrors.email?.[0], password: fieldErrors.password?.[0] }
        : { form: message },
    );
    setPending(false);
  }

  return (
    <form method="post" action={ACTION} onSubmit={onSubmit} className="space-y-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field id="email" label="Email" error={errors.email}>
        <Input name="email" type="email" autoComplete="email" required />
      </Field>
      <Field id="password" label="Password" error={errors.password}>
        <Input name="password" type="password" autoComplete="current-password" required />
      </Field>
      <FormError message={errors.form} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
