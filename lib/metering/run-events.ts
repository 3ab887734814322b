import "server-only";
import type { Db } from "@/db/client";
import { appendRunEvents, type RunEventRow } from "@/db/queries/run-events";
import type { RunEvent, Step } from "@/lib/agents/runtime/run-agent";
import { describeError } from "@/lib/log";

/** Events kept per run; past it one `truncated` event says so and the rest are dropped (the end still comes). */
export const MAX_EVENTS_PER_RUN = 500;
/** Text deltas are sent in pieces of at most this many characters, and at most this often. */
const TEXT_PIECE_CHARS = 4_000;
const FLUSH_EVERY_MS = 100;

/**
 * What a buyer may see of a step: what kind, which tool or model, how long, whether it
 * failed. Never its content (arguments, results, logs, prompts): those are the creator's.
 */
export function publicStep(step: Step): Record<string, unknown> | null {
  if (step.type === "tool")
    return { kind: "tool", at: step.at, durationMs: step.durationMs, tool: step.name, ok: !step.error };
  if (step.type === "model")
    return {
      kind: "model",
      at: step.at,
      durationMs: step.durationMs,
      model: step.model,
      tokensIn: step.tokensIn,
      tokensOut: step.tokensOut,
      finishReason: step.finishReason,
    };
  return null;
}

/** Where a run's events go: the database (to follow later, from any instance) or an open response. */
export type RunEventSink = (events: RunEventRow[]) => Promise<void> | void;

/** The database sink: events a client follows with GET /api/v1/runs/{id}/events. */
export const storedEvents =
  (db: Db, executionId: string): RunEventSink =>
  (events) =>
    appendRunEvents(db, executionId, events);

/**
 * A run's events as its API client sees them: `onEvent` takes the runtime's events as
 * they happen (steps made public, text deltas joined), they go to `sink` in small batches,
 * and `end` sends the final event once the run is recorded. Numbered from 1 in order, at
 * most MAX_EVENTS_PER_RUN; a failing sink is logged and never fails the run.
 */
export function runEventRecorder(sink: RunEventSink, executionId: string) {
  let seq = 0;
  let dropped = false;
  let pending: RunEventRow[] = [];
  let text = "";
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  const push = (type: string, data: unknown) => {
    if (seq >= MAX_EVENTS_PER_RUN - 1) {
      if (!dropped) pending.push({ seq: ++seq, type: "truncated", data: { reason: "event limit" } });
      dropped = true;
      return;
    }
    pending.push({ seq: ++seq, type, data });
  };
  const takeText = () => {
    while (text) {
      push("text", { delta: text.slice(0, TEXT_PIECE_CHARS) });
      text = text.slice(TEXT_PIECE_CHARS);
    }
  };
  const flush = () => {
    timer = null;
    takeText();
    const batch = pending;
    pending = [];
    if (!batch.length) return writing;
    writing = writing
      .then(() => sink(batch))
      .catch((error: unknown) => {
        console.error(`[run-events] execution ${executionId}: ${describeError(error)}`);
      });
    return writing;
  };
  const soon = () => {
    timer ??= setTimeout(() => void flush(), FLUSH_EVERY_MS);
  };

  return {
    onEvent(event: RunEvent) {
      if (event.type === "text") {
        text += event.delta;
        soon();
        return;
      }
      takeText();
      if (event.type === "started") push("started", {});
      else {
        const step = publicStep(event.step);
        if (step) push("step", step);
      }
      soon();
    },
    /** The last event, with the run's end state (and `extra`); resolves once everything is sent. */
    async end(status: string, errorCode: string | null, extra: Record<string, unknown> = {}) {
      if (timer) clearTimeout(timer);
      takeText();
      dropped = false; // the end always comes
      pending.push({ seq: ++seq, type: "end", data: { status, errorCode, ...extra } });
      await flush();
    },
  };
}
