import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { buildSync } from "esbuild";
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
};

type PoolWorker = { worker: Worker; jobs: Map<number, Job>; ready: Promise<void>; reserved: boolean };

let nextJobId = 1;
let workerModule: URL | undefined;

/**
 * The worker's code as one plain JavaScript module (the worker and sandbox-core, with
 * packages left as imports), built with esbuild once per process and kept under
 * node_modules/.cache by content hash. A worker then starts by loading one small file,
 * not by compiling TypeScript through a loader of its own.
 */
function sandboxWorkerModule(): URL {
  if (workerModule) return workerModule;
  const root = process.cwd();
  const { outputFiles } = buildSync({
    entryPoints: [path.join(root, "lib", "agents", "runtime", "sandbox-worker.ts")],
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    write: false,
    logLevel: "silent",
  });
  const code = outputFiles[0]!.text;
  const dir = path.join(root, "node_modules", ".cache", "ai-nomads");
  const file = path.join(dir, `sandbox-worker-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    // Several processes may build it at once: each writes its own file, the rename is atomic.
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temporary, code);
    renameSync(temporary, file);
  }
  workerModule = pathToFileURL(file);
  return workerModule;
}

/**
 * A pool of worker threads running QuickJS. QuickJS's interrupt handler stops runaway JS at its deadline; a worker stuck past the
 * deadline anyway (for example inside a huge native allocation) is terminated and
 * replaced, so the server always keeps serving.
 */
export class SandboxPool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: (() => void)[] = [];
  private closed = false;

  /** `size` workers are kept warm by `warm()`; up to `maxWorkers` run at once. */
  constructor(
    private readonly size: number,
    private readonly maxWorkers = Math.max(size, 8),
  ) {}

  private spawn(): PoolWorker {
    const worker = new Worker(sandboxWorkerModule(), { resourceLimits: { maxOldGenerationSizeMb: 256 } });
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
        job
          .hostCall(message.kind as "llm" | "tool", String(message.name), message.args)
          .then(
            (value) => worker.postMessage({ type: "host-result", callId, ok: true, value: value ?? null }),
            (error: unknown) =>
              worker.postMessage({ type: "host-result", callId, ok: false, error: error instanceof Error ? error.message : String(error) }),
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
   * jobs wait in a queue.
   */
  async run(request: SandboxRequest, hooks: { hostCall: HostCall; onLog: (message: string) => void }): Promise<SandboxResult> {
    if (this.closed) throw new Error("sandbox pool is closed");
    let entry = this.idleWorker();
    while (!entry) {
      await new Promise<void>((resolve) => this.queue.push(resolve));
      entry = this.idleWorker();
    }
    const worker = entry;
    worker.reserved = true;
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
      worker.reserved = false;
      worker.jobs.set(id, { request, ...hooks, resolve, killTimer });
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
