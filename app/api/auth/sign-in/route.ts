import { withForm } from "@/lib/http/with-form";
import { signInWithPassword } from "@/lib/auth/password-sign-in";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { sessionCookie } from "@/lib/auth/session-cookie";

/** Email and password sign-in: the sign-in form posts here, with or without its script. */
export const POST = withForm("/sign-in", async ({ db, request, fields, address }) => {
  const user = await signInWithPassword(db, fields, address, new Date(), request.headers.get("user-agent"));
  return { redirectTo: safeCallbackUrl(fields.callbackUrl), cookies: [await sessionCookie(user)] };
});
