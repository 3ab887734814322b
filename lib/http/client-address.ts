import "server-only";

/**
 * The client's address, for per-address throttles. Under `npm start` the server loads
 * lib/platform/client-address-hook.mjs, which leaves exactly one trusted address in
 * X-Forwarded-For (the socket's peer, or what TRUSTED_PROXIES of our own proxies saw).
 */
export function clientAddress(headers: Headers): string {
  const value = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return value ? value.slice(0, 64) : "unknown";
}
