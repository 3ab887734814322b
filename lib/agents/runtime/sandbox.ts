import "server-only";
import { availableParallelism } from "node:os";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { WORKER_NICENESS } from "@/lib/platform/thread-priority";
import { bundledWorkerModule } from "@/lib/platform/worker-module";
import type { HostCall, SandboxRequest, SandboxResult } from "./sandbox-core";

export type { SandboxRequest, SandboxResult } from "./sandbox-core";

/** Extra time a worker gets past a job's deadline before it is terminated. */
const KILL_GRACE_MS = 1_000;
/** How long a job may wait for the sandbox by default before it is refused. */
export const SANDBOX_MAX_WAIT_MS = 10_000;
/** Free (playground) code runs at the lowest CPU priority, so paid runs win the cores. */
const FREE_NICENESS = 19;

export type SandboxPriority = "paid" | "free";

/** A running job, as handed to `onStart`; pass it as `parent` to run a nested job in the same worker. */
export type SandboxJob = { readonly id: number };

export type SandboxHooks = {
  hostCall: HostCall;
  onLog: (message: string) => void;
  /** Whose capacity the job uses: `org:<id>` for API runs, `user:<id>` for the playground. */
  tenant?: string;
  /** Paid (API) jobs start before free (playground) ones and run at a higher CPU priority. */
  priority?: SandboxPriority;
  /** Aborted when the run has ended: a waiting job is dropped, a running one stopped. */
  signal?: AbortSignal;
  /** Called as the job starts computing: its deadline counts from here. */
  onStart?: (job: SandboxJob) => void;
  /** The job of the same run that waits on this one (nested run_code): this one runs in its worker. */
  parent?: SandboxJob;
};

export type SandboxLimits = {
  /** Worker threads at most; each holds one run's jobs. */
  maxWorkers: number;
  /** Jobs computing at once (a job waiting on a model or a tool does not count). */
  maxComputing: number;
  /** The share of workers and of computing turns one tenant may hold. */
  tenantShare: number;
  /** The share of workers and of computing turns all free (playground) jobs together may hold. */
  freeShare: number;
  /** Jobs one tenant may have waiting; past it, a new one is refused at once. */
  maxWaitingPerTenant: number;
  /** How long a job may wait to start before it is refused. */
  maxWaitMs: number;
};

type Job = SandboxJob & {
  request: SandboxRequest;
  hooks: SandboxHooks;
  tenant: string;
  priority: SandboxPriority;
  resolve: (result: SandboxResult) => void;
  killTimer?: NodeJS.Timeout;
  /** Host calls this job is waiting on (it does not compute meanwhile). */
  waiting: number;
  worker?: PoolWorker;
  /** Set while the job waits to start. */
  queued?: { since: number; timer: NodeJS.Timeout };
  parent?: Job;
};

/** Slots in each worker's ring of stopped job ids (shared memory). */
const STOPPED_RING = 64;

type PoolWorker = {
  worker: Worker;
  /** Everything the worker says comes on this port, so a crash can first read what it already answered. */
  port: MessagePort;
  /** The top-level job of the run the worker took last (its tenant holds the worker while it is unfinished). */
  current?: Job;
  /** [next slot, …ids]: jobs stopped by the pool, read by code busy in a loop (sandbox-worker.ts). */
  stopped: Int32Array;
  /** Jobs posted to the worker, and [jobs it has finished], counted by the worker in shared memory. */
  given: number;
  finished: Int32Array;
  /** The run's jobs in this worker (a top-level job and its nested ones), until their answers are read. */
  jobs: Map<number, Job>;
  ready: Promise<void>;
};

type WorkerMessage = { type: string; id: number; [key: string]: unknown };

let nextJobId = 1;

const busy = (message: string): SandboxResult => ({ ok: false, error: { code: "busy", message } });

/**
 * A pool of worker threads running QuickJS. QuickJS's interrupt handler stops runaway JS at
 * its deadline; a worker stuck past the deadline anyway (inside a huge native allocation,
 * say) is terminated and replaced, so the server keeps serving. A worker holds one run's
 * jobs at a time, so a kill hits no other run.
 *
 * Capacity is shared between tenants: no tenant holds more than `tenantShare` of the
 * workers or of the computing turns, free jobs together no more than `freeShare`, and paid
 * jobs start first. A job's deadline counts from when it starts; a job that cannot start
 * soon is refused (`busy`), and a job whose run has ended is dropped or stopped.
 */
export class SandboxPool {
  private readonly workers: PoolWorker[] = [];
  /** Jobs waiting to start, in arrival order. */
  private readonly queue: Job[] = [];
  private readonly jobsById = new Map<number, Job>();
  private readonly limits: SandboxLimits;
  private closed = false;

  constructor(
    private readonly size: number,
    maxWorkers = Math.max(size, 8),
    maxComputing = 2 * Math.max(1, availableParallelism()),
    limits: Partial<Omit<SandboxLimits, "maxWorkers" | "maxComputing">> = {},
  ) {
    this.limits = {
      maxWorkers,
      maxComputing,
      tenantShare: 0.5,
      freeShare: 0.5,
      maxWaitingPerTenant: 256,
      maxWaitMs: SANDBOX_MAX_WAIT_MS,
      ...limits,
    };
  }

  private share(total: number, fraction: number) {
    return Math.max(1, Math.floor(total * fraction));
  }

  private spawn(): PoolWorker {
    const stopped = new Int32Array(new SharedArrayBuffer((STOPPED_RING + 1) * Int32Array.BYTES_PER_ELEMENT));
    const finished = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(bundledWorkerModule("lib/agents/runtime/sandbox-worker.ts"), {
      resourceLimits: { maxOldGenerationSizeMb: 256 },
      workerData: { stopped, finished, port: port2 },
      transferList: [port2],
    });
    worker.unref();
    port1.unref();
    const entry: PoolWorker = {
      worker,
      port: port1,
      stopped,
      given: 0,
      finished,
      jobs: new Map(),
      ready: new Promise((resolve, reject) => {
        port1.once("message", () => resolve());
        worker.once("error", reject);
      }),
    };
    port1.on("message", (message: WorkerMessage) => this.receive(entry, message));
    const crashed = (reason: string) => this.replace(entry, reason);
    worker.on("error", (error) => crashed(`sandbox worker crashed: ${error.message}`));
    worker.on("exit", () => crashed("sandbox worker exited"));
    return entry;
  }

  /** A message from a worker: a log line, a host call, or a job's answer. */
  private receive(entry: PoolWorker, message: WorkerMessage) {
    const job = entry.jobs.get(message.id);
    if (!job) return;
    if (message.type === "log") job.hooks.onLog(String(message.message));
    else if (message.type === "done") this.settle(job, message.result as SandboxResult);
    else if (message.type === "host-call") {
      const callId = message.callId;
      const resume = (reply: Record<string, unknown>) => {
        if (entry.jobs.get(message.id) !== job) return;
        job.waiting--;
        entry.worker.postMessage(reply);
      };
      // While it waits, the job leaves its computing turn to the next one.
      if (job.waiting++ === 0) this.pump();
      job.hooks.hostCall(message.kind as "llm" | "tool", String(message.name), message.args).then(
        (value) => resume({ type: "host-result", callId, ok: true, value: value ?? null }),
        (error: unknown) =>
          resume({
            type: "host-result",
            callId,
            ok: false,
            error: error instanceof Error ? error.message : String(error),
          }),
      );
    }
  }

  /** Ends a job with its result; its nested jobs end with it. */
  private settle(job: Job, result: SandboxResult) {
    if (!this.jobsById.delete(job.id)) return;
    if (job.queued) {
      clearTimeout(job.queued.timer);
      this.queue.splice(this.queue.indexOf(job), 1);
    }
    clearTimeout(job.killTimer);
    job.worker?.jobs.delete(job.id);
    for (const child of this.jobsById.values()) {
      if (child.parent === job) this.stop(child);
    }
    job.resolve(result);
    this.pump();
  }

  /** Stops a job whose run has ended: dropped while it waits, interrupted while it runs. */
  private stop(job: Job) {
    if (!this.jobsById.has(job.id)) return;
    if (job.queued)
      return this.settle(job, {
        ok: false,
        error: { code: "cancelled", message: "The run ended before this code started." },
      });
    const entry = job.worker;
    if (!entry) return;
    const slot = Atomics.add(entry.stopped, 0, 1) % STOPPED_RING;
    Atomics.store(entry.stopped, 1 + slot, job.id);
    entry.worker.postMessage({ type: "cancel", id: job.id });
  }

  /** Jobs given to the worker that it has not answered yet (its own count, in shared memory). */
  private unfinished(entry: PoolWorker): number {
    return entry.given - Atomics.load(entry.finished, 0);
  }

  /**
   * The run a worker holds: its last top-level job, while the worker has not answered every
   * job it was given. A worker that has answered is free for the next run at once, before
   * this busy thread has read the answer (read later, from the worker's port, or drained
   * from it first should the worker crash, so an answered job is never failed).
   */
  private owner(entry: PoolWorker): Job | undefined {
    return this.unfinished(entry) > 0 ? entry.current : undefined;
  }

  /** Whether the worker is running code: its run has a job that is not waiting on a host call. */
  private computing(entry: PoolWorker): boolean {
    const run = this.owner(entry);
    if (!run) return false;
    for (const job of entry.jobs.values()) if ((job === run || job.parent === run) && job.waiting === 0) return true;
    return false;
  }

  /** Whether `job` may start now, given what every worker holds and runs. */
  private mayStart(job: Job): boolean {
    const { maxWorkers, maxComputing, tenantShare, freeShare } = this.limits;
    let computing = 0;
    let tenantComputing = 0;
    let freeComputing = 0;
    let tenantWorkers = 0;
    let freeWorkers = 0;
    let idle = false;
    for (const entry of this.workers) {
      const owner = this.owner(entry);
      if (!owner) {
        idle = true;
        continue;
      }
      const isComputing = this.computing(entry);
      computing += Number(isComputing);
      if (owner.tenant === job.tenant) {
        tenantWorkers++;
        tenantComputing += Number(isComputing);
      }
      if (owner.priority === "free") {
        freeWorkers++;
        freeComputing += Number(isComputing);
      }
    }
    if (computing >= maxComputing || tenantComputing >= this.share(maxComputing, tenantShare)) return false;
    if (job.priority === "free" && freeComputing >= this.share(maxComputing, freeShare)) return false;
    // A nested job runs in its parent's worker; a top-level one needs a worker of its own.
    if (job.parent) return true;
    if (!idle && this.workers.length >= maxWorkers) return false;
    if (tenantWorkers >= this.share(maxWorkers, tenantShare)) return false;
    return job.priority === "paid" || freeWorkers < this.share(maxWorkers, freeShare);
  }

  /** Starts every waiting job that may start: paid ones first, each tenant within its share. */
  private pump() {
    if (!this.queue.length) return;
    for (const priority of ["paid", "free"] as const) {
      for (const job of [...this.queue]) {
        if (job.priority !== priority) continue;
        // Every turn is taken: nothing else can start (the common case under load).
        if (this.workers.filter((w) => this.computing(w)).length >= this.limits.maxComputing) return;
        if (this.mayStart(job)) this.start(job);
      }
    }
  }

  private start(job: Job) {
    clearTimeout(job.queued!.timer);
    this.queue.splice(this.queue.indexOf(job), 1);
    job.queued = undefined;
    let entry = job.parent?.worker;
    if (!entry) {
      entry = this.workers.find((w) => !this.owner(w));
      if (!entry) {
        entry = this.spawn();
        this.workers.push(entry);
      }
    }
    job.worker = entry;
    if (!job.parent) entry.current = job;
    entry.jobs.set(job.id, job);
    // Counted as given now, before it is posted: it holds its computing turn from here.
    entry.given++;
    void entry.ready.then(
      () => {
        if (!this.jobsById.has(job.id)) {
          entry.given--; // never posted: the worker will not count it
          return;
        }
        job.killTimer = setTimeout(
          () => this.replace(entry, "a run exceeded its deadline", job.id),
          job.request.timeoutMs + KILL_GRACE_MS,
        );
        entry.worker.postMessage({
          type: "run",
          id: job.id,
          request: job.request,
          niceness: job.priority === "free" ? FREE_NICENESS : WORKER_NICENESS,
          nested: Boolean(job.parent),
        });
        job.hooks.onStart?.(job);
      },
      () => this.replace(entry, "the worker failed to start"),
    );
  }

  /** Fails the worker's jobs and takes it out of the pool; the next run spawns a new one. */
  private replace(entry: PoolWorker, reason: string, culpritId?: number) {
    const index = this.workers.indexOf(entry);
    if (index === -1) return;
    this.workers.splice(index, 1);
    // Answers the worker gave before it died are read first: those jobs keep their results.
    for (let message = receiveMessageOnPort(entry.port); message; message = receiveMessageOnPort(entry.port)) {
      this.receive(entry, message.message as WorkerMessage);
    }
    for (const [id, job] of entry.jobs) {
      const result: SandboxResult =
        id === culpritId
          ? {
              ok: false,
              error: {
                code: "timeout",
                message: `The code did not finish within ${job.request.timeoutMs} ms and was stopped.`,
              },
            }
          : { ok: false, error: { code: "code_error", message: `The sandbox stopped unexpectedly (${reason}).` } };
      this.settle(job, result);
    }
    entry.port.close();
    void entry.worker.terminate();
    this.pump();
  }

  /** Runs one job when capacity allows (see the class comment); resolves with its result, never rejects once queued. */
  async run(request: SandboxRequest, hooks: SandboxHooks): Promise<SandboxResult> {
    if (this.closed) throw new Error("sandbox pool is closed");
    const parent = hooks.parent && this.jobsById.get(hooks.parent.id);
    if (hooks.parent && !parent)
      return { ok: false, error: { code: "cancelled", message: "The code that started this one has ended." } };
    const tenant = parent?.tenant ?? hooks.tenant ?? "anonymous";
    const priority = parent?.priority ?? hooks.priority ?? "paid";
    if (hooks.signal?.aborted)
      return { ok: false, error: { code: "cancelled", message: "The run ended before this code started." } };
    const waiting = this.queue.filter((j) => j.tenant === tenant).length;
    if (waiting >= this.limits.maxWaitingPerTenant) {
      return busy(`Too many runs are waiting for the sandbox (${waiting}); wait for some to finish.`);
    }
    return new Promise<SandboxResult>((resolve) => {
      const job: Job = { id: nextJobId++, request, hooks, tenant, priority, resolve, waiting: 0, parent };
      const timer = setTimeout(
        () =>
          this.settle(
            job,
            busy(
              `The sandbox is busy: this run waited ${Math.round(this.limits.maxWaitMs / 1000)} s without starting.`,
            ),
          ),
        this.limits.maxWaitMs,
      );
      job.queued = { since: Date.now(), timer };
      this.jobsById.set(job.id, job);
      this.queue.push(job);
      hooks.signal?.addEventListener("abort", () => this.stop(job), { once: true });
      this.pump();
    });
  }

  /** Warms the pool: spawns workers and waits until QuickJS is loaded in each. */
  async warm(): Promise<void> {
    while (this.workers.length < this.size) this.workers.push(this.spawn());
    await Promise.all(this.workers.map((w) => w.ready));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of [...this.queue])
      this.settle(job, { ok: false, error: { code: "cancelled", message: "The sandbox pool is closed." } });
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
