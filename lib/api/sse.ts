/** Server-sent events framing for the public API's event streams. */
const encoder = new TextEncoder();

export const EVENT_STREAM_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-store",
  "x-accel-buffering": "no",
} as const;

/** One event: its number as the id (what a reconnecting client sends back as Last-Event-ID), its type and JSON data. */
export function sseFrame(id: number, event: string, data: unknown): Uint8Array {
  return encoder.encode(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export const sseComment = (text: string) => encoder.encode(`: ${text}\n\n`);

/** Whether the client asks for an event stream (Accept: text/event-stream). */
export function acceptsEventStream(accept: string | null): boolean {
  return Boolean(
    accept && accept.split(",").some((t) => t.split(";")[0]!.trim().toLowerCase() === "text/event-stream"),
  );
}
