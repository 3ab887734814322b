import { z } from "zod";
import { getExecutionForOrg } from "@/db/queries/api-runs";
import { listRunEvents } from "@/db/queries/run-events";
import { problemResponse } from "@/lib/api/problem";
import { EVENT_STREAM_HEADERS, sseComment, sseFrame } from "@/lib/api/sse";
import { withApiKey } from "@/lib/api/with-api-key";

/** Open event streams per organisation; more are refused with 429. */
export const MAX_EVENT_STREAMS_PER_ORG = 16;
const POLL_MS = 250;
const HEARTBEAT_MS = 15_000;
/** No stream stays open longer: a run ends well before (its deadline), and a client reconnects with Last-Event-ID. */
const MAX_STREAM_MS = 10 * 60_000;

const globalForStreams = globalThis as unknown as { __aiNomadsRunEventStreams?: Map<string, number> };
const openStreams = () => (globalForStreams.__aiNomadsRunEventStreams ??= new Map());

/** The event id a reconnecting client sends (Last-Event-ID, or `lastEventId` in the query for clients that cannot set headers). */
function resumeAfter(request: Request): number {
  const given = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("lastEventId") ?? "0";
  return /^\d{1,9}$/.test(given) ? Number(given) : 0;
}

/**
 * A run's events as server-sent events: `started`, `step` (what kind, which tool or model,
 * how long; never the creator's content), `text` (a model agent's output as it is written)
 * and, last, `end` with the final status. Each carries its number as the event id: a client
 * that reconnects with Last-Event-ID gets every later event once, in order. A run that was
 * not recorded event by event (a synchronous run, a run cancelled before it started) has
 * `end` only.
 */
export const runEventsStream = withApiKey<{ id: string }>(async ({ db, request, key, headers, params }) => {
  const row = z.uuid().safeParse(params.id).success
    ? await getExecutionForOrg(db, { executionId: params.id, orgId: key.orgId, agentIds: key.agentIds })
    : undefined;
  if (!row) return problemResponse("not-found", "There is no run with that id for this API key.", { headers });
  const streams = openStreams();
  const open = streams.get(key.orgId) ?? 0;
  if (open >= MAX_EVENT_STREAMS_PER_ORG) {
    headers.set("Retry-After", "5");
    return problemResponse(
      "rate-limited",
      `This organisation already follows ${MAX_EVENT_STREAMS_PER_ORG} runs at once. Close one, or poll GET /runs/{id}.`,
      { headers },
    );
  }
  streams.set(key.orgId, open + 1);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    const now = (streams.get(key.orgId) ?? 1) - 1;
    if (now > 0) streams.set(key.orgId, now);
    else streams.delete(key.orgId);
  };

  let last = resumeAfter(request);
  const executionId = row.id;
  const stopAt = Date.now() + MAX_STREAM_MS;
  /** Writes events until the run's end event (or the stream's time is up, or the client leaves). */
  async function pump(controller: ReadableStreamDefaultController<Uint8Array>) {
    let lastWrite = Date.now();
    const send = (seq: number, type: string, data: unknown) => {
      controller.enqueue(sseFrame(seq, type, data));
      last = seq;
      lastWrite = Date.now();
    };
    while (!request.signal.aborted && !released && Date.now() < stopAt) {
      const events = await listRunEvents(db, { executionId, afterSeq: last, limit: 200 });
      for (const event of events) {
        send(event.seq, event.type, event.data);
        if (event.type === "end") return;
      }
      if (events.length === 200) continue;
      const current = await getExecutionForOrg(db, { executionId, orgId: key.orgId });
      if (current && current.status !== "running") {
        // Ended: its end event may have been written after the read above, or never (a run
        // not recorded event by event).
        const rest = await listRunEvents(db, { executionId, afterSeq: last, limit: 500 });
        for (const event of rest) send(event.seq, event.type, event.data);
        if (!rest.some((e) => e.type === "end"))
          send(last + 1, "end", { status: current.status, errorCode: current.errorCode });
        return;
      }
      if (Date.now() - lastWrite > HEARTBEAT_MS) {
        controller.enqueue(sseComment("keep-alive"));
        lastWrite = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let failed = false;
      try {
        await pump(controller);
      } catch (error) {
        failed = true;
        controller.error(error);
      } finally {
        release();
        if (!failed) {
          try {
            controller.close();
          } catch {
            // the client went away
          }
        }
      }
    },
    cancel() {
      release();
    },
  });
  for (const [name, value] of Object.entries(EVENT_STREAM_HEADERS)) headers.set(name, value);
  return new Response(stream, { headers });
});
