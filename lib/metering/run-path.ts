import "server-only";
import type { Db } from "@/db/client";
import type { AuthenticatedKey } from "@/db/queries/api-keys";
import {
  authenticateApiKeys,
  finishRuns,
  runPathBatch,
  startRuns,
  type RunEnd,
  type RunStart,
  type RunStartOutcome,
} from "@/db/queries/runs";
import { Coalescer, perDatabase } from "@/lib/coalesce";

/** The length of a rate-limit window (fixed windows, shared by every app instance). */
export const RATE_LIMIT_WINDOW_MS = 60_000;

/** The start of the one-minute rate-limit window `now` falls in. */
export function windowStartOf(now: Date): Date {
  return new Date(Math.floor(now.getTime() / RATE_LIMIT_WINDOW_MS) * RATE_LIMIT_WINDOW_MS);
}

export type RunPathItem =
  { kind: "auth"; keyHash: string } | { kind: "start"; request: RunStart } | { kind: "finish"; end: RunEnd };
export type RunPathResult =
  | { kind: "auth"; key: AuthenticatedKey | undefined; now: Date }
  | { kind: "start"; outcome: RunStartOutcome }
  | { kind: "finish"; moved: boolean };

/** Each duplicate Idempotency-Key of a batch answered as its first request was (a replay of it, or a conflict). */
function resolveDuplicates(requests: RunStart[], outcomes: RunStartOutcome[]): RunStartOutcome[] {
  return outcomes.map((outcome, i) => {
    if (outcome.outcome !== "duplicate") return outcome;
    const first = outcomes[outcome.firstIndex]!;
    const [mine, theirs] = [requests[i]!, requests[outcome.firstIndex]!];
    const sameRequest = mine.source === "api" && theirs.source === "api" && mine.requestHash === theirs.requestHash;
    if (first.outcome === "started" || first.outcome === "replay")
      return { outcome: sameRequest ? "replay" : "conflict", executionId: first.executionId };
    return first;
  });
}

async function writeBatch(db: Db, items: RunPathItem[]): Promise<RunPathResult[]> {
  const now = new Date();
  const keyHashes: string[] = [];
  const starts: RunStart[] = [];
  const ends: RunEnd[] = [];
  const slots = items.map((item) => {
    if (item.kind === "auth") return keyHashes.push(item.keyHash) - 1;
    if (item.kind === "start") return starts.push(item.request) - 1;
    return ends.push(item.end) - 1;
  });
  const out = await runPathBatch(db, { keyHashes, starts, ends, windowStart: windowStartOf(now), now });
  const startOutcomes = resolveDuplicates(starts, out.starts);
  return items.map((item, i): RunPathResult => {
    if (item.kind === "auth") return { kind: "auth", key: out.auths[slots[i]!], now };
    if (item.kind === "start") return { kind: "start", outcome: startOutcomes[slots[i]!]! };
    return { kind: "finish", moved: out.ends[slots[i]!]! };
  });
}

/** One item on its own, through its own statement (after a batch failed as a whole). */
async function writeOne(db: Db, item: RunPathItem): Promise<RunPathResult> {
  const now = new Date();
  if (item.kind === "auth")
    return {
      kind: "auth",
      key: (await authenticateApiKeys(db, { keyHashes: [item.keyHash], windowStart: windowStartOf(now), now }))[0],
      now,
    };
  if (item.kind === "start")
    return { kind: "start", outcome: (await startRuns(db, { requests: [item.request], now }))[0]! };
  return { kind: "finish", moved: (await finishRuns(db, [item.end]))[0]! };
}

const sizeOf = (item: RunPathItem) => {
  const json = (value: unknown) => (value === null || typeof value !== "object" ? 64 : JSON.stringify(value).length);
  if (item.kind === "start") return json(item.request.input);
  if (item.kind === "finish") return json(item.end.output) + json(item.end.steps);
  return 64;
};

/**
 * The run path's group commit: whatever API key look-ups, run starts and run ends are
 * waiting when the database is free go to it together, in one round trip
 * (run_path_batch), so a busy server pays one statement for many requests of every kind.
 * The rules stay in their own statements (authenticate_api_keys, start_runs, finish_runs).
 */
export const runPath = perDatabase(
  (db: Db) =>
    new Coalescer<RunPathItem, RunPathResult>({
      batch: (items) => writeBatch(db, items),
      single: (item) => writeOne(db, item),
      maxItems: 64,
      sizeOf,
      maxSize: 2 * 1024 * 1024,
    }),
);
