/** A same-site path to return to after sign-in; anything else (open redirects) → fallback. */
export function safeCallbackUrl(value: unknown, fallback = "/studio"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.includes("\\")) {
    return fallback;
  }
  return value;
}
