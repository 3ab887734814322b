"use server";

import { createUser } from "@/db/queries/users";
import { signUpSchema } from "@/lib/auth/credentials";
import { hashPassword } from "@/lib/auth/password";
import { defineAction } from "@/lib/actions/define-action";
import { fieldError, isUniqueViolation } from "@/lib/errors";

/** Creates an email + password account; the client then signs in with the same credentials. */
export const signUpAction = defineAction("sign-up", signUpSchema, async (input, { db }) => {
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await createUser(db, { email: input.email, name: input.name, passwordHash });
    return { id: user.id };
  } catch (error) {
    if (isUniqueViolation(error)) throw fieldError("email", "An account with this email already exists.");
    throw error;
  }
});
