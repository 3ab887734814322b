/**
 * Worker thread that hosts QuickJS. Creator code never runs on the thread that serves
 * requests: a runaway here delays only this worker, and the pool can terminate it.
 * A worker runs one run's jobs: its top-level job and, while that one waits on a host call,
 * the nested run_code jobs it started. Protocol (all JSON-safe):
 *   main → worker  { type: "run", id, request, niceness, nested } | { type: "cancel", id }
 *                  | { type: "host-result", callId, ok, value | error }
 *   worker → main  { type: "log", id, message } | { type: "host-call", id, callId, kind, name, args }
 *                  | { type: "done", id, result } | { type: "ready" }   (on workerData.port, which
 *                  the pool can drain synchronously before it fails a crashed worker's jobs)
 * and in shared memory: workerData.stopped, a ring of job ids the pool writes when it stops
 * a job (code busy in a loop reads no message, so its interrupt handler looks there), and
 * workerData.finished, the jobs this worker has finished, counted before each "done".
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { getQuickJS } from "quickjs-emscripten";
import { lowerThreadPriority, WORKER_NICENESS } from "../../platform/thread-priority";
import { runInQuickJS, type SandboxRequest } from "./sandbox-core";

if (!parentPort) throw new Error("sandbox-worker must run in a worker thread");
const { stopped, finished, port } = workerData as { stopped: Int32Array; finished: Int32Array; port: MessagePort };

function isStoppedJob(id: number): boolean {
  for (let i = 1; i < stopped.length; i++) if (Atomics.load(stopped, i) === id) return true;
  return false;
}

// Creator code runs below the priority of the thread that serves requests.
let niceness = lowerThreadPriority() ? WORKER_NICENESS : -1;
const QuickJS = await getQuickJS();

/**
 * A run that has gone on this long in this worker (its job and the nested jobs it started)
 * drops to the lowest CPU priority until its next run starts: a loop that burns its whole deadline then yields the cores to short runs and to
 * the database's thread instead of sharing them equally (bench:fairness).
 */
const DEMOTE_AFTER_MS = 50;
const LOWEST_NICENESS = 19;
/** When the run this worker holds drops to the lowest priority. */
let demoteAt = Number.POSITIVE_INFINITY;

let nextCallId = 1;
const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
/** Jobs running here, to stop one when its run ends. */
const running = new Map<number, AbortController>();

parentPort.on("message", (message: { type: string; [key: string]: unknown }) => {
  if (message.type === "host-result") {
    const call = calls.get(message.callId as number);
    if (!call) return;
    calls.delete(message.callId as number);
    if (message.ok) call.resolve(message.value);
    else call.reject(new Error(String(message.error)));
    return;
  }
  if (message.type === "cancel") {
    running.get(message.id as number)?.abort();
    return;
  }
  if (message.type === "run") {
    const id = message.id as number;
    // Free (playground) runs get less CPU than paid ones when both want it; both run below
    // the thread that serves requests.
    const wanted = message.niceness as number;
    if (!message.nested && wanted !== niceness && lowerThreadPriority(wanted)) niceness = wanted;
    const stop = new AbortController();
    running.set(id, stop);
    // Nested jobs (run_code) belong to the run their worker holds: its clock goes on.
    if (!message.nested) demoteAt = Date.now() + DEMOTE_AFTER_MS;
    void runInQuickJS(
      QuickJS,
      message.request as SandboxRequest,
      (kind, name, args) =>
        new Promise((resolve, reject) => {
          const callId = nextCallId++;
          calls.set(callId, { resolve, reject });
          port.postMessage({ type: "host-call", id, callId, kind, name, args });
        }),
      (log) => port.postMessage({ type: "log", id, message: log }),
      // The answer goes out before the runtime is torn down.
      (result) => {
        running.delete(id);
        // Counted before the answer goes out: the pool frees this job's computing turn at once.
        Atomics.add(finished, 0, 1);
        port.postMessage({ type: "done", id, result });
      },
      stop.signal,
      // Asked by QuickJS's interrupt handler while code runs.
      () => {
        if (niceness < LOWEST_NICENESS && Date.now() > demoteAt && lowerThreadPriority(LOWEST_NICENESS))
          niceness = LOWEST_NICENESS;
        if (!isStoppedJob(id)) return false;
        stop.abort();
        return true;
      },
    );
  }
});

port.postMessage({ type: "ready" });
