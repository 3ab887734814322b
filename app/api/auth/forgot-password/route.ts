import { requestPasswordReset } from "@/lib/auth/email-flows";
import { withForm } from "@/lib/http/with-form";

/** Mails a reset link if the address has a password account; the answer is the same either way. */
export const POST = withForm("/forgot-password", async ({ db, fields, address }) => {
  await requestPasswordReset(db, fields, address);
  return { redirectTo: "/forgot-password?sent=1" };
});
