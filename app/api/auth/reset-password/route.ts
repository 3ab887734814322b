import { resetPassword } from "@/lib/auth/email-flows";
import { withForm } from "@/lib/http/with-form";

/** Sets a new password from a mailed reset link; every session of the account ends. */
export const POST = withForm("/reset-password", async ({ db, fields }) => {
  await resetPassword(db, fields);
  return { redirectTo: "/sign-in?reset=1" };
});
