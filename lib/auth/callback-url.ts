/** Stands in for the app's origin while a path is resolved; only paths on it are kept. */
const BASE = "http://app.invalid";

/**
 * A same-site path to return to after sign-in; anything else (open redirects) → fallback.
 * The value is parsed as a URL against the app's origin and kept only if it stays there;
 * control characters (which browsers strip, so `/\t/evil.example` means `//evil.example`)
 * and backslashes are refused before parsing. Returns the normalised path, query and hash.
 */
export function safeCallbackUrl(value: unknown, fallback = "/studio"): string {
  if (typeof value !== "string" || value.length > 2_000 || /[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  if (!value.startsWith("/") || value.startsWith("//")) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
