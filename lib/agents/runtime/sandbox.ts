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

type PoolWorker = { worker: Worker; jobs: Map<number, Job>; ready: Promise<void>; reserved: boolean };

let nextJobId = 1;

/**
 * A pool of worker threads running QuickJS. QuickJS's interrupt handler stops runaway JS at its deadline; a worker stuck past the
 * deadline anyway (for example inside a huge native allocation) is terminated and
 * replaced, so the server always keeps serving.
 */
export class SandboxPool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: (() => void)[] = [];
  private closed = false;
  /** Jobs whose code is running now (not waiting on a host call such as ctx.llm). */
  private computing = 0;

  /**
   * `size` workers are kept warm by `warm()`; up to `maxWorkers` hold a job at once, and of
   * those at most `maxComputing` run code at the same moment, by default two per CPU: a
   * worker that finished a job gets the next one only when the request thread has read
   * its answer, which on a busy server comes a while later, so with one worker per core
   * the cores would sit idle in between (bench/api, rounds alternating between the two
   * settings on one server: two per core served 5–15 % more metered runs than one). Many more would only take turns on the same cores, each turn
   * costing a thread switch. A job that waits on a model or a tool leaves its turn to the
   * next one.
   */
  constructor(
    private readonly size: number,
    private readonly maxWorkers = Math.max(size, 8),
    private readonly maxComputing = 2 * Math.max(1, availableParallelism()),
  ) {}

  private spawn(): PoolWorker {
    const worker = new Worker(bundledWorkerModule("lib/agents/runtime/sandbox-worker.ts"), { resourceLimits: { maxOldGenerationSizeMb: 256 } });
    worker.unref();
    const entry: PoolWorker = {
      worker,
      jobs: new Map(),
      reserved: false,
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
          if (--job.waiting === 0) this.computing++;
          worker.postMessage(reply);
        };
        if (job.waiting++ === 0) this.stoppedComputing();
        job
          .hostCall(message.kind as "llm" | "tool", String(message.name), message.args)
          .then(
            (value) => resume({ type: "host-result", callId, ok: true, value: value ?? null }),
            (error: unknown) => resume({ type: "host-result", callId, ok: false, error: error instanceof Error ? error.message : String(error) }),
          );
      } else if (message.type === "done") {
        this.finish(entry, message.id, message.result as SandboxResult);
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
    if (job.waiting === 0) this.stoppedComputing();
    else this.queue.shift()?.();
  }

  /** A job stopped running code (it ended, or it waits on a host call): the next queued job may start. */
  private stoppedComputing() {
    this.computing--;
    this.queue.shift()?.();
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
    this.queue.shift()?.();
  }

  /** An idle worker, a new one while under the cap, or undefined (the caller queues). */
  private idleWorker(): PoolWorker | undefined {
    const idle = this.workers.find((w) => w.jobs.size === 0 && !w.reserved);
    if (idle) return idle;
    if (this.workers.length >= this.maxWorkers) return undefined;
    const entry = this.spawn();
    this.workers.push(entry);
    return entry;
  }

  /**
   * Runs one job. Each worker runs one job at a time, so a runaway job that must be
   * terminated takes no other job down with it; the pool grows to `maxWorkers`, then
   * jobs wait in a queue, as they do while `maxComputing` jobs are running code.
   */
  async run(request: SandboxRequest, hooks: { hostCall: HostCall; onLog: (message: string) => void }): Promise<SandboxResult> {
    if (this.closed) throw new Error("sandbox pool is closed");
    let entry = this.computing < this.maxComputing ? this.idleWorker() : undefined;
    while (!entry) {
      await new Promise<void>((resolve) => this.queue.push(resolve));
      if (this.closed) throw new Error("sandbox pool is closed");
      entry = this.computing < this.maxComputing ? this.idleWorker() : undefined;
    }
    const worker = entry;
    worker.reserved = true;
    this.computing++;
    try {
      await worker.ready;
    } catch (error) {
      worker.reserved = false;
      this.stoppedComputing();
      this.replace(worker, "the worker failed to start");
      throw error;
    }
    const id = nextJobId++;
    return new Promise<SandboxResult>((resolve) => {
      const killTimer = setTimeout(
        () => this.replace(worker, "a run exceeded its deadline", id),
        request.timeoutMs + KILL_GRACE_MS,
      );
      worker.reserved = false;
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
    for (const wake of this.queue.splice(0)) wake();
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
