import "server-only";
import { timingSafeEqual } from "node:crypto";
import { clientAddress } from "@/lib/http/client-address";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * Who may read the metrics: with a token configured, a request that presents it as
 * Bearer (compared in constant time); without one, only a client on this machine (the
 * address the server hook fixed, never one a client sent).
 */
export function mayReadMetrics(request: Request, token: string | undefined): boolean {
  if (!token) return LOOPBACK.has(clientAddress(request.headers));
  const given = Buffer.from(request.headers.get("authorization") ?? "");
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
