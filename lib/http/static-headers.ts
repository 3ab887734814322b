/**
 * The static security headers of every answer (next.config.ts sets them on Next's; the
 * lean Node handlers of lib/platform/lean-routes.ts set them on theirs). Pages add their
 * Content-Security-Policy with a fresh nonce in proxy.ts. No imports: next.config.ts loads it.
 */
export const PERMISSIONS_POLICY =
  "camera=(), microphone=(), geolocation=(), payment=(), display-capture=(), browsing-topics=()";
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

export const STATIC_SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "X-Frame-Options": "DENY",
  "Permissions-Policy": PERMISSIONS_POLICY,
} as const;

/** What an API answer carries: the static headers and the API's Content-Security-Policy. */
export const API_SECURITY_HEADERS = {
  ...STATIC_SECURITY_HEADERS,
  "Content-Security-Policy": API_CONTENT_SECURITY_POLICY,
} as const;
