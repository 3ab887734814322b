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
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { lowerThreadPriority } from "../lib/thread-priority";

if (!parentPort) throw new Error("pglite-worker must run in a worker thread");
const port = parentPort;

type Request =
  | { op: "query"; id: number; txId: number | null; text: string; params: unknown[]; rowMode: "array" | "object"; rawTypes: number[] }
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
// Below the request thread's priority (see lib/thread-priority.ts).
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
      const parsers = Object.fromEntries(message.rawTypes.map((type) => [type, identity]));
      const result = await target(message.txId).query(message.text, message.params, { rowMode: message.rowMode, parsers });
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
