import "server-only";
import { AppError } from "@/lib/errors";
import { subscribe, type LiveEvent } from "./bus";

/** Open live streams per user on this instance: a tab or two per dashboard, not a flood. */
export const MAX_STREAMS_PER_USER = 8;
/** Events within this window reach the browser as one (a burst of runs is one refetch). */
const COALESCE_MS = 250;
/** A comment now and then keeps proxies from closing an idle stream, and notices a dead one. */
const HEARTBEAT_MS = 25_000;

/** The response headers of a live stream (server-sent events, never cached or buffered). */
export const LIVE_STREAM_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-store, no-transform",
  "x-accel-buffering": "no",
} as const;

/** Per process (globalThis), like the bus: every bundle and the lean handler count against the same limit. */
const globalForStreams = globalThis as unknown as { __aiNomadsLiveStreams?: Map<string, number> };
const streamsByUser = (globalForStreams.__aiNomadsLiveStreams ??= new Map<string, number>());

/** Where a stream's text goes. `write` answers false when the reader has fallen too far behind. */
export type LiveSink = { write: (text: string) => boolean; close: () => void };

/** One of a user's MAX_STREAMS_PER_USER places, taken before anything is sent (RATE_LIMITED beyond). */
export type StreamSlot = { userId: string };

export function takeStreamSlot(userId: string): StreamSlot {
  const open = streamsByUser.get(userId) ?? 0;
  if (open >= MAX_STREAMS_PER_USER) {
    throw new AppError("RATE_LIMITED", `At most ${MAX_STREAMS_PER_USER} live dashboards per account.`, {
      retryAfterSeconds: 30,
    });
  }
  streamsByUser.set(userId, open + 1);
  return { userId };
}

/**
 * Runs a stream of `update` events for one subscription (a creator's own agents, or one
 * organisation) into `sink`: a `ready` event first, events coalesced, a heartbeat, and
 * everything released (the slot too) by the returned stop, which also runs when the reader
 * stops reading. The one implementation behind both transports (Web stream and Node).
 */
export function runLiveStream(
  slot: StreamSlot,
  who: { ownerId: string | null; orgId: string | null },
  sink: LiveSink,
): () => void {
  let pending = new Set<LiveEvent["kind"]>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const write = (text: string) => {
    // A browser that stops reading is dropped rather than buffered for.
    if (!closed && !sink.write(text)) stop();
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
  function stop() {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(heartbeat);
    clearTimeout(timer);
    const left = (streamsByUser.get(slot.userId) ?? 1) - 1;
    if (left > 0) streamsByUser.set(slot.userId, left);
    else streamsByUser.delete(slot.userId);
    try {
      sink.close();
    } catch {
      // Already closed by the browser going away.
    }
  }
  // Reconnect after 3 s if the connection drops; the first event says the stream is open.
  write(`retry: 3000\nevent: ready\ndata: {}\n\n`);
  return stop;
}

/**
 * The stream as a Web Response (the Next.js route, used where the lean Node handler is not
 * installed, as in `next dev`): closed when the browser goes away or stops reading.
 */
export function liveStream(
  userId: string,
  who: { ownerId: string | null; orgId: string | null },
  signal: AbortSignal,
): Response {
  const slot = takeStreamSlot(userId);
  const encoder = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      stop = runLiveStream(slot, who, {
        write(text) {
          if ((controller.desiredSize ?? 0) < -32) return false;
          controller.enqueue(encoder.encode(text));
          return true;
        },
        close: () => controller.close(),
      });
      signal.addEventListener("abort", () => stop(), { once: true });
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, { headers: LIVE_STREAM_HEADERS });
}
