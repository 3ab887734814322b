"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { signInSchema } from "@/lib/auth/credentials";

type Errors = { email?: string; password?: string; form?: string };

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({});
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
    try {
      const result = await signIn("password", { ...parsed.data, redirect: false });
      if (!result?.ok) {
        setErrors({
          password: result?.error && result.error !== "CredentialsSignin" ? result.error : "Wrong email or password.",
        });
        return;
      }
      router.push(callbackUrl);
      router.refresh();
    } catch {
      setErrors({ form: "Could not reach the server. Check your connection and try again." });
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
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
