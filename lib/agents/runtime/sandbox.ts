import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { bundledWorkerModule } from "@/lib/worker-module";
import type { HostCall, SandboxRequest, SandboxResult } from "./sandbox-core";

export type { SandboxRequest, SandboxResult } from "./sandbox-core";

/** Extra time a worker gets past a job's deadline before it is terminated. */
const KILL_GRACE_MS = 1_000;

type Job = {
  request: SandboxRequest;
  hostCall: HostCall;
  onLog: (message: string) => void;
  resolve: (result: SandboxResult) => void;
  killTimer: NodeJS.Timeout;
  /** Host calls this job is waiting on (its worker is idle meanwhile). */
  waiting: number;
};

type PoolWorker = {
  worker: Worker;
  /** Jobs whose answer the request thread has not read yet. */
  jobs: Map<number, Job>;
  ready: Promise<void>;
  /** Jobs given to the worker, counted when it is taken for one (before the job is posted). */
  given: number;
  /** Jobs the worker has finished, counted by the worker itself (shared memory). */
  finished: Int32Array;
};

type Waiter = { resolve: (worker: PoolWorker) => void; reject: (error: Error) => void };

let nextJobId = 1;

/** Whether the worker's job is waiting on a host call (a model, a tool) rather than running code. */
function waitsOnHost(entry: PoolWorker): boolean {
  for (const job of entry.jobs.values()) if (job.waiting > 0) return true;
  return false;
}

/**
 * A pool of worker threads running QuickJS. QuickJS's interrupt handler stops runaway JS at its deadline; a worker stuck past the
 * deadline anyway (for example inside a huge native allocation) is terminated and
 * replaced, so the server always keeps serving.
 */
export class SandboxPool {
  private readonly workers: PoolWorker[] = [];
  /** Runs waiting for a worker, first come first served. */
  private readonly queue: Waiter[] = [];
  private closed = false;

  /**
   * `size` workers are kept warm by `warm()`; up to `maxWorkers` exist, each running one
   * job at a time, and at most `maxComputing` of them run code at the same moment, by
   * default two per CPU (bench/api, rounds alternating between the settings on one server:
   * about 5 % more metered runs than one per CPU); many more would only take turns on the
   * same cores, each turn costing a thread switch. A job that waits on a model or a tool
   * leaves its turn to the next one.
   *
   * A worker counts its finished jobs itself, in memory it shares with the pool, so it is
   * free for the next job the moment it has answered, not only once the request thread
   * has read that answer: on a busy server the request thread reads it only after the
   * requests already waiting for it (bench/api: 2–5 ms later, for a run of 0.5 ms).
   */
  constructor(
    private readonly size: number,
    private readonly maxWorkers = Math.max(size, 8),
    private readonly maxComputing = 2 * Math.max(1, availableParallelism()),
  ) {}

  private spawn(): PoolWorker {
    const finished = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    const worker = new Worker(bundledWorkerModule("lib/agents/runtime/sandbox-worker.ts"), {
      resourceLimits: { maxOldGenerationSizeMb: 256 },
      workerData: { finished },
    });
    worker.unref();
    const entry: PoolWorker = {
      worker,
      jobs: new Map(),
      given: 0,
      finished,
      ready: new Promise((resolve, reject) => {
        worker.once("message", () => resolve());
        worker.once("error", reject);
      }),
    };
    worker.on("message", (message: { type: string; id: number; [key: string]: unknown }) => {
      const job = entry.jobs.get(message.id);
      if (!job) return;
      if (message.type === "log") job.onLog(String(message.message));
      else if (message.type === "host-call") {
        const callId = message.callId;
        const resume = (reply: Record<string, unknown>) => {
          if (entry.jobs.get(message.id) !== job) return;
          job.waiting--;
          worker.postMessage(reply);
        };
        // While it waits, the job leaves its turn to the next one.
        if (job.waiting++ === 0) this.pump();
        job
          .hostCall(message.kind as "llm" | "tool", String(message.name), message.args)
          .then(
            (value) => resume({ type: "host-result", callId, ok: true, value: value ?? null }),
            (error: unknown) => resume({ type: "host-result", callId, ok: false, error: error instanceof Error ? error.message : String(error) }),
          );
      } else if (message.type === "done") {
        this.finish(entry, message.id, message.result as SandboxResult);
        this.pump();
      }
    });
    const crashed = (reason: string) => this.replace(entry, reason);
    worker.on("error", (error) => crashed(`sandbox worker crashed: ${error.message}`));
    worker.on("exit", () => crashed("sandbox worker exited"));
    return entry;
  }

  private finish(entry: PoolWorker, id: number, result: SandboxResult) {
    const job = entry.jobs.get(id);
    if (!job) return;
    clearTimeout(job.killTimer);
    entry.jobs.delete(id);
    job.resolve(result);
  }

  /** Jobs given to this worker that it has not finished (including one about to be posted). */
  private unfinished(entry: PoolWorker): number {
    return entry.given - Atomics.load(entry.finished, 0);
  }

  /** Workers running code now: on a job (or about to be) that is not waiting on a host call. */
  private computing(): number {
    let n = 0;
    for (const entry of this.workers) if (this.unfinished(entry) > 0 && !waitsOnHost(entry)) n++;
    return n;
  }

  /** A free worker (a new one while under the cap), taken for a job; undefined while `maxComputing` run code or all are busy. */
  private acquire(): PoolWorker | undefined {
    if (this.computing() >= this.maxComputing) return undefined;
    let entry = this.workers.find((w) => this.unfinished(w) === 0);
    if (!entry) {
      if (this.workers.length >= this.maxWorkers) return undefined;
      entry = this.spawn();
      this.workers.push(entry);
    }
    entry.given++;
    return entry;
  }

  /** Hands free workers to the runs waiting for one, in order. */
  private pump() {
    while (this.queue.length) {
      const entry = this.acquire();
      if (!entry) return;
      this.queue.shift()!.resolve(entry);
    }
  }

  /** Fails the worker's jobs and takes it out of the pool; the next run spawns a new one. */
  private replace(entry: PoolWorker, reason: string, culpritId?: number) {
    const index = this.workers.indexOf(entry);
    if (index === -1) return;
    this.workers.splice(index, 1);
    for (const [id, job] of entry.jobs) {
      const result: SandboxResult =
        id === culpritId
          ? { ok: false, error: { code: "timeout", message: `The code did not finish within ${job.request.timeoutMs} ms and was stopped.` } }
          : { ok: false, error: { code: "code_error", message: `The sandbox stopped unexpectedly (${reason}).` } };
      this.finish(entry, id, result);
    }
    void entry.worker.terminate();
    // A waiting job can now get a fresh worker.
    this.pump();
  }

  /**
   * Runs one job. Each worker runs one job at a time, so a runaway job that must be
   * terminated takes no other job down with it; the pool grows to `maxWorkers`, then
   * jobs wait in a queue, as they do while `maxComputing` jobs are running code.
   */
  async run(request: SandboxRequest, hooks: { hostCall: HostCall; onLog: (message: string) => void }): Promise<SandboxResult> {
    if (this.closed) throw new Error("sandbox pool is closed");
    const worker = await new Promise<PoolWorker>((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.pump();
    });
    try {
      await worker.ready;
    } catch (error) {
      this.replace(worker, "the worker failed to start");
      throw error;
    }
    const id = nextJobId++;
    return new Promise<SandboxResult>((resolve) => {
      const killTimer = setTimeout(
        () => this.replace(worker, "a run exceeded its deadline", id),
        request.timeoutMs + KILL_GRACE_MS,
      );
      worker.jobs.set(id, { request, ...hooks, resolve, killTimer, waiting: 0 });
      worker.worker.postMessage({ type: "run", id, request });
    });
  }

  /** Warms the pool: spawns workers and waits until QuickJS is loaded in each. */
  async warm(): Promise<void> {
    while (this.workers.length < this.size) this.workers.push(this.spawn());
    await Promise.all(this.workers.map((w) => w.ready));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.queue.splice(0)) waiter.reject(new Error("sandbox pool is closed"));
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}

const globalForPool = globalThis as unknown as { __aiNomadsSandbox?: SandboxPool };

/** The process-wide pool (size from SANDBOX_WORKERS). */
export function getSandboxPool(size: number): SandboxPool {
  globalForPool.__aiNomadsSandbox ??= new SandboxPool(size);
  return globalForPool.__aiNomadsSandbox;
}
