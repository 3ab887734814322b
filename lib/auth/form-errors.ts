/**
 * What a sign-in or sign-up page says after a form posted without its script came back
 * with `?error=CODE` (lib/http/with-form.ts). Only known codes are shown.
 */
export function formErrorMessage(code: unknown, retryAfter: unknown): string | undefined {
  if (typeof code !== "string") return undefined;
  const seconds = Number(retryAfter);
  switch (code) {
    case "UNAUTHORIZED":
      return "Wrong email or password.";
    case "RATE_LIMITED":
      return Number.isInteger(seconds) && seconds > 0
        ? `Too many attempts. Try again in ${seconds} s.`
        : "Too many attempts. Try again shortly.";
    case "INVALID_INPUT":
      return "Some fields need attention: check them and try again.";
    case "CONFLICT":
      return "This link has expired or was already used. Ask for a new one.";
    case "FORBIDDEN":
      return "That request came from another site and was refused.";
    default:
      return "Something went wrong. Try again.";
  }
}
