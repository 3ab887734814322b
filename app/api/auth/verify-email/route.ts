import { verifyEmail } from "@/lib/auth/email-flows";
import { withForm } from "@/lib/http/with-form";

/** Confirms an address from the link mailed to it (a button posts here: mail scanners only GET). */
export const POST = withForm("/verify-email", async ({ db, fields }) => {
  await verifyEmail(db, fields);
  return { redirectTo: "/settings?verified=1" };
});
