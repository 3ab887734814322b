import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { problemFromError } from "@/lib/api/problem";
import { sessionUserFromHeaders } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { API_SECURITY_HEADERS } from "@/lib/http/static-headers";
import { Semaphore } from "@/lib/semaphore";
import { liveAudience } from "./audience";
import { LIVE_STREAM_HEADERS, runLiveStream, takeStreamSlot } from "./stream";

/** What a stream may hold unsent for a slow reader before it is dropped. */
const MAX_BUFFERED_BYTES = 16 * 1024;
/**
 * Stream set-ups (session and audience checks) running at once. A reconnect storm (every
 * dashboard comes back 3 s after a restart) is checked a few at a time, so the garbage of
 * its checks does not pile up into the heap's high-water mark (docs/performance.md), and
 * it cannot starve the rest of the process.
 */
export const SETUPS_AT_ONCE = 8;
/** Set-ups that may wait for their turn; beyond, a 429 (the dashboard polls instead). */
export const MAX_WAITING_SETUPS = 10_000;
const setups = new Semaphore(SETUPS_AT_ONCE);

/**
 * GET /api/live on the bare Node request and response: the same session, audience and
 * per-user limit as the Next.js route, and the same stream (runLiveStream), without the
 * Web-stream adapters and request context Next builds around a route, which is most of
 * what an idle open stream costs in memory (docs/performance.md). Installed before Next
 * sees a request (lib/http/lean-routes.ts).
 */
export async function handleLiveRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== "GET") {
    response.writeHead(405, { ...API_SECURITY_HEADERS, allow: "GET" }).end();
    return;
  }
  let release: (() => void) | undefined;
  try {
    if (setups.waiting >= MAX_WAITING_SETUPS) {
      throw new AppError("RATE_LIMITED", "Too many live streams are opening at once.", { retryAfterSeconds: 5 });
    }
    release = await setups.acquire();
    // The browser may have left while it waited, or while its session and audience were checked.
    if (response.destroyed) return;
    const user = await sessionUserFromHeaders(request.headers);
    if (!user) throw new AppError("UNAUTHORIZED");
    const params = new URL(request.url ?? "/", "http://localhost").searchParams;
    const who = await liveAudience(await getDb(), user.id, params);
    if (response.destroyed) return;
    const slot = takeStreamSlot(user.id);
    response.writeHead(200, { ...API_SECURITY_HEADERS, ...LIVE_STREAM_HEADERS });
    const stop = runLiveStream(slot, who, {
      write(text) {
        if (response.writableLength > MAX_BUFFERED_BYTES) return false;
        response.write(text);
        return true;
      },
      close: () => response.end(),
    });
    response.once("close", stop);
  } catch (error) {
    const problem = problemFromError(error, undefined, "session");
    const body = Buffer.from(await problem.arrayBuffer());
    if (response.headersSent || response.destroyed) return;
    response.writeHead(problem.status, { ...API_SECURITY_HEADERS, ...Object.fromEntries(problem.headers) }).end(body);
  } finally {
    release?.();
  }
}
