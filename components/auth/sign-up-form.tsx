"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { z } from "zod";
import { useAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { signUpAction } from "@/lib/actions/auth/sign-up";
import { signUpSchema } from "@/lib/auth/credentials";

type Fields = { name?: string; email?: string; password?: string };

export function SignUpForm({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const [clientErrors, setClientErrors] = useState<Fields>({});
  const [signInError, setSignInError] = useState<string>();
  const signUp = useAction(signUpAction, {
    onSuccess: async (_data, input) => {
      const result = await signIn("password", { email: input.email, password: input.password, redirect: false });
      if (!result?.ok) {
        setSignInError("Your account was created, but signing in failed. Try signing in.");
        return;
      }
      router.push(callbackUrl);
      router.refresh();
    },
  });

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
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
      setClientErrors({ name: fields.name?.[0], email: fields.email?.[0], password: fields.password?.[0] });
      return;
    }
    setClientErrors({});
    signUp.run(parsed.data);
  }

  const error = (name: keyof Fields) => clientErrors[name] ?? signUp.fieldError(name);
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <Field id="name" label="Name" error={error("name")}>
        <Input name="name" autoComplete="name" required />
      </Field>
      <Field id="email" label="Email" error={error("email")}>
        <Input name="email" type="email" autoComplete="email" required />
      </Field>
      <Field id="password" label="Password" error={error("password")} hint="At least 10 characters.">
        <Input name="password" type="password" autoComplete="new-password" required />
      </Field>
      <FormError message={signUp.formError(["name", "email", "password"]) ?? signInError} />
      <Button type="submit" className="w-full" disabled={signUp.pending}>
        {signUp.pending ? "Creating account…" : "Create account"}
      </Button>
    </form>
  );
}
