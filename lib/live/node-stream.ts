import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { problemFromError } from "@/lib/api/problem";
import { sessionUserFromHeaders } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { API_SECURITY_HEADERS } from "@/lib/http/static-headers";
import { liveAudience } from "./audience";
import { LIVE_STREAM_HEADERS, runLiveStream, takeStreamSlot } from "./stream";

/** What a stream may hold unsent for a slow reader before it is dropped. */
const MAX_BUFFERED_BYTES = 16 * 1024;

/**
 * GET /api/live on the bare Node request and response: the same session, audience and
 * per-user limit as the Next.js route, and the same stream (runLiveStream), without the
 * Web-stream adapters and request context Next builds around a route, which is most of
 * what an idle open stream costs in memory (docs/performance.md). Installed before Next
 * sees a request by lib/platform/lean-routes.ts.
 */
export async function handleLiveRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== "GET") {
    response.writeHead(405, { ...API_SECURITY_HEADERS, allow: "GET" }).end();
    return;
  }
  try {
    const user = await sessionUserFromHeaders(request.headers);
    if (!user) throw new AppError("UNAUTHORIZED");
    const who = await liveAudience(
      await getDb(),
      user.id,
      new URL(request.url ?? "/", "http://localhost").searchParams,
    );
    // The browser may have left while the session and audience were checked.
    if (response.destroyed || request.destroyed) return;
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
  }
}
