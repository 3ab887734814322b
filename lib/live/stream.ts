import "server-only";
import { AppError } from "@/lib/errors";
import { subscribe, type LiveEvent } from "./bus";

/** Open live streams per user on this instance: a tab or two per dashboard, not a flood. */
export const MAX_STREAMS_PER_USER = 8;
/** Events within this window reach the browser as one (a burst of runs is one refetch). */
const COALESCE_MS = 250;
/** A comment now and then keeps proxies from closing an idle stream, and notices a dead one. */
const HEARTBEAT_MS = 25_000;

/** Per process (globalThis), like the bus: every route bundle counts against the same limit. */
const globalForStreams = globalThis as unknown as { __aiNomadsLiveStreams?: Map<string, number> };
const streamsByUser = (globalForStreams.__aiNomadsLiveStreams ??= new Map<string, number>());

/**
 * A server-sent event stream of `update` events for one subscription (a creator's own
 * agents, or one organisation). At most MAX_STREAMS_PER_USER per user (429 beyond);
 * closed when the browser goes away or stops reading.
 */
export function liveStream(
  userId: string,
  who: { ownerId: string | null; orgId: string | null },
  signal: AbortSignal,
): Response {
  const open = streamsByUser.get(userId) ?? 0;
  if (open >= MAX_STREAMS_PER_USER) {
    throw new AppError("RATE_LIMITED", `At most ${MAX_STREAMS_PER_USER} live dashboards per account.`, {
      retryAfterSeconds: 30,
    });
  }
  streamsByUser.set(userId, open + 1);
  const encoder = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let pending = new Set<LiveEvent["kind"]>();
      let timer: NodeJS.Timeout | undefined;
      let closed = false;
      const write = (text: string) => {
        // A browser that stops reading is dropped rather than buffered for.
        if ((controller.desiredSize ?? 0) < -32) return stop();
        controller.enqueue(encoder.encode(text));
      };
      const flush = () => {
        timer = undefined;
        const kinds = [...pending];
        pending = new Set();
        write(`event: update\ndata: ${JSON.stringify({ kinds })}\n\n`);
      };
      const unsubscribe = subscribe({
        ...who,
        send: (kind) => {
          pending.add(kind);
          timer ??= setTimeout(flush, COALESCE_MS);
        },
      });
      const heartbeat = setInterval(() => write(": ping\n\n"), HEARTBEAT_MS);
      stop = () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        clearInterval(heartbeat);
        clearTimeout(timer);
        const left = (streamsByUser.get(userId) ?? 1) - 1;
        if (left > 0) streamsByUser.set(userId, left);
        else streamsByUser.delete(userId);
        try {
          controller.close();
        } catch {
          // Already closed by the browser going away.
        }
      };
      signal.addEventListener("abort", stop, { once: true });
      // Reconnect after 3 s if the connection drops; the first event says the stream is open.
      write(`retry: 3000\nevent: ready\ndata: {}\n\n`);
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
