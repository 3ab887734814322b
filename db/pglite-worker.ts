/**
 * Worker thread that owns the embedded PGlite database (see pglite-thread.ts). Postgres
 * compiled to WebAssembly runs synchronously on the thread that calls it, so here it
 * never holds up the thread that serves requests. Protocol (all structured-clone safe):
 *   main → worker  { op: "query", id, txId, text, params, rowMode, rawTypes }
 *                  | { op: "exec", id, txId, text }
 *                  | { op: "begin", id, txId } | { op: "end", id, txId, commit }
 *                  | { op: "close", id }
 *   worker → main  { id, ok: true, value } | { id, ok: false, error } | { ready: true } | { fatal }
 */
import { parentPort, workerData } from "node:worker_threads";
import { PGlite, types, type ParserOptions, type Transaction } from "@electric-sql/pglite";
import { lowerThreadPriority } from "../lib/platform/thread-priority";

if (!parentPort) throw new Error("pglite-worker must run in a worker thread");
const port = parentPort;

type Request =
  | {
      op: "query";
      id: number;
      txId: number | null;
      text: string;
      params: unknown[];
      rowMode: "array" | "object";
      rawTypes: number[];
    }
  | { op: "exec"; id: number; txId: number | null; text: string }
  | { op: "begin"; id: number; txId: number }
  | { op: "end"; id: number; txId: number; commit: boolean }
  | { op: "close"; id: number };

/** The fields of a Postgres error that callers look at (code, constraint …), as plain data. */
function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const out: Record<string, unknown> = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error)) {
    if (value === undefined || typeof value === "function") continue;
    if (key === "query" || key === "params") continue;
    if (typeof value === "object" && value !== null) continue;
    out[key] = value;
  }
  return out;
}

const identity = (value: string) => value;
/** The array types Drizzle asks for as text (oids), by element type; PGlite parses an array's elements with the instance's parser of that type. */
const ARRAY_ELEMENT: Record<number, number> = {
  1231: types.NUMERIC,
  1115: types.TIMESTAMP,
  1185: types.TIMESTAMPTZ,
  1187: types.INTERVAL,
  1182: types.DATE,
};
/**
 * The types drizzle-orm's PGlite driver asks for as text with every query (timestamp,
 * timestamptz, interval, date, and numeric[], timestamp[], timestamptz[], interval[],
 * date[]). PGlite copies its whole parser table (hundreds of types) into a new object for
 * any query that brings parsers of its own, which showed up as a good part of this
 * thread's time; so these are set once on the instance, and such queries bring none.
 */
const DRIZZLE_RAW_TYPES = [
  types.TIMESTAMP,
  types.TIMESTAMPTZ,
  types.INTERVAL,
  types.DATE,
  ...Object.keys(ARRAY_ELEMENT).map(Number),
];
// Below the request thread's priority (see lib/platform/thread-priority.ts).
lowerThreadPriority();
const { dataDir } = workerData as { dataDir: string | null };
let db: PGlite;
try {
  db = dataDir ? new PGlite(dataDir) : new PGlite();
  await db.waitReady;
} catch (error) {
  port.postMessage({ fatal: serializeError(error) });
  throw error;
}

// PGlite's own parsers for the preset types, as they were: array parsers look their element
// parser up on the instance when they run, so theirs are rebuilt on the original element parser.
const defaultParsers: ParserOptions = {};
for (const type of DRIZZLE_RAW_TYPES) {
  const element = ARRAY_ELEMENT[type];
  if (element === undefined) {
    const parser = db.parsers[type];
    if (parser) defaultParsers[type] = parser;
  } else {
    const parser = db.parsers[element];
    defaultParsers[type] = (value: string) => types.arrayParser(value, parser ?? identity, type);
  }
}
db.parsers = { ...db.parsers, ...Object.fromEntries(DRIZZLE_RAW_TYPES.map((type) => [type, identity])) };

/**
 * Per-query parsers for a caller that wants `rawTypes` as text: none for Drizzle's set (the
 * instance has them); otherwise text for its types and PGlite's own parsers back for the
 * preset types it did not ask for.
 */
function parsersFor(rawTypes: number[]): ParserOptions | undefined {
  // Drizzle's set (same length, and each of its types there), on every query: checked without allocating.
  if (rawTypes.length === DRIZZLE_RAW_TYPES.length && DRIZZLE_RAW_TYPES.every((type) => rawTypes.includes(type)))
    return undefined;
  const raw = new Set(rawTypes);
  const parsers: ParserOptions = {};
  for (const type of DRIZZLE_RAW_TYPES) {
    const parser = defaultParsers[type];
    if (!raw.has(type) && parser) parsers[type] = parser;
  }
  for (const type of rawTypes) parsers[type] = identity;
  return parsers;
}

/** Open transactions by the main thread's id, how each one ends, and its outcome (after COMMIT or ROLLBACK). */
const transactions = new Map<number, { tx: Transaction; end: (commit: boolean) => void }>();
const ends = new Map<number, Promise<void>>();
/** The reason a transaction's function gives PGlite when the main thread asked for ROLLBACK. */
class RolledBack extends Error {}

function target(txId: number | null): PGlite | Transaction {
  if (txId === null) return db;
  const open = transactions.get(txId);
  if (!open) throw new Error(`transaction ${txId} is not open`);
  return open.tx;
}

async function handle(message: Request): Promise<unknown> {
  switch (message.op) {
    case "query": {
      const parsers = parsersFor(message.rawTypes);
      const result = await target(message.txId).query(
        message.text,
        message.params,
        parsers ? { rowMode: message.rowMode, parsers } : { rowMode: message.rowMode },
      );
      return { rows: result.rows, fields: result.fields, affectedRows: result.affectedRows };
    }
    case "exec": {
      const results = await target(message.txId).exec(message.text);
      return results.map((result) => ({ rows: result.rows, fields: result.fields, affectedRows: result.affectedRows }));
    }
    case "begin": {
      const { txId } = message;
      // Replies once the transaction holds the database; the reply to "end" comes from
      // the promise below, after COMMIT or ROLLBACK.
      return new Promise<void>((began, failed) => {
        const finished = db.transaction(
          (tx) =>
            new Promise<void>((commit, rollback) => {
              transactions.set(txId, { tx, end: (ok) => (ok ? commit() : rollback(new RolledBack())) });
              began();
            }),
        );
        ends.set(txId, finished);
        finished.catch((error: unknown) => failed(error));
      });
    }
    case "end": {
      const open = transactions.get(message.txId);
      const finished = ends.get(message.txId);
      if (!open || !finished) throw new Error(`transaction ${message.txId} is not open`);
      transactions.delete(message.txId);
      ends.delete(message.txId);
      open.end(message.commit);
      try {
        await finished;
      } catch (error) {
        if (!(error instanceof RolledBack)) throw error;
      }
      return null;
    }
    case "close":
      await db.close();
      return null;
  }
}

port.on("message", (message: Request) => {
  handle(message).then(
    (value) => port.postMessage({ id: message.id, ok: true, value }),
    (error: unknown) => port.postMessage({ id: message.id, ok: false, error: serializeError(error) }),
  );
});
port.postMessage({ ready: true });
