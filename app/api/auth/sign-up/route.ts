import { withForm } from "@/lib/http/with-form";
import { signUpWithPassword } from "@/lib/auth/password-sign-in";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { sessionCookie } from "@/lib/auth/session-cookie";
import { sendVerificationEmailQuietly } from "@/lib/auth/email-flows";

/** Creates an account and signs it in: the sign-up form posts here, with or without its script. */
export const POST = withForm("/sign-up", async ({ db, fields, address }) => {
  const user = await signUpWithPassword(db, fields, address);
  if (user.email) await sendVerificationEmailQuietly(db, { id: user.id, email: user.email });
  return { redirectTo: safeCallbackUrl(fields.callbackUrl), cookies: [await sessionCookie(user)] };
});
