"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { signUpSchema } from "@/lib/auth/credentials";
import { postForm } from "./post-form";

type Errors = { name?: string; email?: string; password?: string; form?: string };

const ACTION = "/api/auth/sign-up";

/** Posts to /api/auth/sign-up: natively without the page's script, as JSON with it. */
export function SignUpForm({ callbackUrl, initialError }: { callbackUrl: string; initialError?: string }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({ form: initialError });
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = {
      name: String(form.get("name") ?? ""),
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
    };
    const parsed = signUpSchema.safeParse(input);
    if (!parsed.success) {
      const fields = z.flattenError(parsed.error).fieldErrors;
      setErrors({ name: fields.name?.[0], email: fields.email?.[0], password: fields.password?.[0] });
      return;
    }
    setPending(true);
    setErrors({});
    const result = await postForm(ACTION, { ...input, callbackUrl });
    if ("redirectTo" in result) {
      router.push(result.redirectTo);
      router.refresh();
      return;
    }
    const { message, fieldErrors } = result.problem;
    const byField = { name: fieldErrors.name?.[0], email: fieldErrors.email?.[0], password: fieldErrors.password?.[0] };
    setErrors(byField.name || byField.email || byField.password ? byField : { form: message });
    setPending(false);
  }

  return (
    <form method="post" action={ACTION} onSubmit={onSubmit} className="space-y-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field id="name" label="Name" error={errors.name}>
        <Input name="name" autoComplete="name" required />
      </Field>
      <Field id="email" label="Email" error={errors.email}>
        <Input name="email" type="email" autoComplete="email" required />
      </Field>
      <Field id="password" label="Password" error={errors.password} hint="At least 10 characters.">
        <Input name="password" type="password" autoComplete="new-password" required />
      </Field>
      <FormError message={errors.form} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Creating account…" : "Create account"}
      </Button>
    </form>
  );
}
