import { Worker } from "node:worker_threads";
import { bundledWorkerModule } from "@/lib/platform/worker-module";

type Field = { name: string; dataTypeID: number };
type Result = { rows: unknown[]; fields: Field[]; affectedRows?: number };
type QueryOptions = {
  rowMode?: "array" | "object";
  parsers?: Record<number, (value: string, typeId: number) => unknown>;
};
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: Record<string, unknown> };

/** The PGlite calls Drizzle makes (query, exec, transaction), answered by a worker thread. */
export interface PGliteClient {
  query(text: string, params?: unknown[], options?: QueryOptions): Promise<Result>;
  exec(text: string): Promise<Result[]>;
  transaction<T>(fn: (tx: PGliteClient) => Promise<T>): Promise<T>;
}

/** A Postgres error from the worker, with the same fields (code, constraint, detail …) as PGlite's own. */
export class DatabaseError extends Error {
  [key: string]: unknown;
  constructor(fields: Record<string, unknown>) {
    super(String(fields.message ?? "database error"));
    Object.assign(this, fields);
    this.name = "DatabaseError";
  }
}

/**
 * Embedded PGlite in a worker thread (db/pglite-worker.ts). PGlite runs Postgres as
 * WebAssembly on the calling thread, synchronously: in-process, every statement would stop
 * the server's event loop for its whole duration. Here the request thread only posts a
 * message and awaits the reply; while the database works it keeps parsing requests, so
 * the batched metering statements (lib/coalesce.ts) also get larger batches under load.
 *
 * Transactions keep PGlite's semantics: a transaction holds the database, and queries
 * outside it wait until it commits or rolls back.
 */
export class PGliteThread implements PGliteClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private nextTxId = 1;
  private failure: Error | undefined;
  readonly waitReady: Promise<void>;

  constructor(dataDir: string | null) {
    this.worker = new Worker(bundledWorkerModule("db/pglite-worker.ts"), { workerData: { dataDir } });
    this.waitReady = new Promise((resolve, reject) => {
      this.worker.on("message", (message: Reply | { ready: true } | { fatal: Record<string, unknown> }) => {
        if ("ready" in message) return resolve();
        if ("fatal" in message) return reject(new DatabaseError(message.fatal));
        const call = this.pending.get(message.id);
        if (!call) return;
        this.pending.delete(message.id);
        if (this.pending.size === 0) this.worker.unref();
        if (message.ok) call.resolve(message.value);
        else call.reject(new DatabaseError(message.error));
      });
      const stopped = (error: Error) => {
        this.failure = new Error(`The embedded database stopped: ${error.message}`, { cause: error });
        reject(this.failure);
        for (const call of this.pending.values()) call.reject(this.failure);
        this.pending.clear();
      };
      this.worker.on("error", stopped);
      this.worker.on("exit", (code) => stopped(new Error(`its thread exited with code ${code}`)));
    });
    // A rejected start is reported to whoever awaits waitReady (openDb).
    this.waitReady.catch(() => undefined);
  }

  private call<T>(message: Record<string, unknown>): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    // The thread keeps the process alive only while a call is waiting for it, like a socket would.
    if (this.pending.size === 0) this.worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  query(text: string, params: unknown[] = [], options: QueryOptions = {}): Promise<Result> {
    return this.queryIn(null, text, params, options);
  }

  exec(text: string): Promise<Result[]> {
    return this.call({ op: "exec", txId: null, text });
  }

  /** Runs `fn` in a transaction: COMMIT when it resolves, ROLLBACK (and rethrow) when it throws. */
  async transaction<T>(fn: (tx: PGliteClient) => Promise<T>): Promise<T> {
    const txId = this.nextTxId++;
    await this.call({ op: "begin", txId });
    let closed = false;
    const tx: PGliteClient = {
      query: (text, params = [], options = {}) => {
        if (closed) return Promise.reject(new Error("This transaction has already ended."));
        return this.queryIn(txId, text, params, options);
      },
      exec: (text) => {
        if (closed) return Promise.reject(new Error("This transaction has already ended."));
        return this.call({ op: "exec", txId, text });
      },
      transaction: () => Promise.reject(new Error("Nested transactions use savepoints (Drizzle's tx.transaction).")),
    };
    let value: T;
    try {
      value = await fn(tx);
    } catch (error) {
      closed = true;
      // The caller's error is the one that matters; a failed ROLLBACK leaves nothing committed either.
      await this.call({ op: "end", txId, commit: false }).catch(() => undefined);
      throw error;
    }
    closed = true;
    await this.call({ op: "end", txId, commit: true });
    return value;
  }

  async close(): Promise<void> {
    if (!this.failure) await this.call({ op: "close" }).catch(() => undefined);
    this.failure ??= new Error("The embedded database stopped: it was closed.");
    this.worker.removeAllListeners("exit");
    await this.worker.terminate();
  }

  /**
   * Types the caller parses itself (Drizzle keeps timestamps as text, for example) come
   * back from the worker unparsed, and the caller's parsers are applied here.
   */
  private async queryIn(txId: number | null, text: string, params: unknown[], options: QueryOptions): Promise<Result> {
    const parsers = options.parsers ?? {};
    const rawTypes = Object.keys(parsers).map(Number);
    const result = await this.call<Result>({
      op: "query",
      txId,
      text,
      params,
      rowMode: options.rowMode ?? "object",
      rawTypes,
    });
    if (!rawTypes.length || !result.rows.length) return result;
    const parsed = result.fields.flatMap((field, index) => {
      const parser = parsers[field.dataTypeID];
      return parser ? [{ index, name: field.name, type: field.dataTypeID, parser }] : [];
    });
    if (!parsed.length) return result;
    for (const row of result.rows as (unknown[] | Record<string, unknown>)[]) {
      for (const { index, name, type, parser } of parsed) {
        if (Array.isArray(row)) row[index] = row[index] === null ? null : parser(row[index] as string, type);
        else row[name] = row[name] === null ? null : parser(row[name] as string, type);
      }
    }
    return result;
  }
}
