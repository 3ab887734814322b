import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { problemTypeUri } from "@/lib/api/problem";
import { getDb } from "@/lib/db";
import { repeat } from "@/lib/repeat";
import { addressSource, isProbePath, REFUSED_STATUSES, threats, type ThreatDetector } from "./threats";

/** How often each instance reloads the blocks in force (begun by any instance). */
const SYNC_INTERVAL_MS = 5_000;

/**
 * The client's address on a bare Node request: X-Forwarded-For as the client-address hook
 * left it (exactly one trusted address; lib/http/client-address.ts reads it the same way).
 */
function addressOf(request: IncomingMessage): string {
  const forwarded = request.headers["x-forwarded-for"];
  const value =
    (typeof forwarded === "string" ? forwarded.split(",")[0]?.trim() : undefined) || request.socket?.remoteAddress;
  return value ? value.slice(0, 64) : "unknown";
}

/**
 * The threat guard every request passes first (lib/platform/threat-guard-hook.mjs): a
 * blocked address is answered 429 with Retry-After before anything else runs; otherwise the
 * request counts if it probes for scanner paths, and its answer counts if it is a refusal.
 * Returns whether it answered the request.
 */
export function guardRequest(detector: ThreatDetector, request: IncomingMessage, response: ServerResponse): boolean {
  const source = addressSource(addressOf(request));
  const retryAfter = detector.retryAfter(source);
  if (retryAfter) {
    const api = (request.url ?? "").startsWith("/api/");
    const detail = `Too many refused requests from this address; it is blocked for a while. Retry after ${retryAfter} s.`;
    response.writeHead(429, {
      "content-type": api ? "application/problem+json" : "text/plain; charset=utf-8",
      "retry-after": String(retryAfter),
      "cache-control": "no-store",
    });
    response.end(
      api
        ? JSON.stringify({ type: problemTypeUri("rate-limited"), title: "Too many requests", status: 429, detail })
        : detail,
    );
    return true;
  }
  if (isProbePath(request.url ?? "/")) detector.record(source, "probe");
  response.once("finish", () => {
    if (REFUSED_STATUSES.has(response.statusCode)) detector.record(source, "refused");
  });
  return false;
}

/** Installs the guard for the threat-guard hook and keeps this instance's blocks in sync. */
export async function installThreatGuard(): Promise<void> {
  const detector = threats();
  detector.attach(await getDb());
  (globalThis as { __aiNomadsGuardRequest?: unknown }).__aiNomadsGuardRequest = (
    request: IncomingMessage,
    response: ServerResponse,
  ) => guardRequest(detector, request, response);
  repeat("threats", SYNC_INTERVAL_MS, () => detector.sync(), { immediately: true });
}
