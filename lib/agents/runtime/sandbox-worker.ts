/**
 * Worker thread that hosts QuickJS. Creator code never runs on the thread that serves
 * requests: a runaway here delays only this worker, and the pool can terminate it.
 * Protocol (all JSON-safe):
 *   main → worker  { type: "run", id, request } | { type: "host-result", callId, ok, value | error }
 *   worker → main  { type: "log", id, message } | { type: "host-call", id, callId, kind, name, args }
 *                  | { type: "done", id, result } | { type: "ready" }
 * and workerData.finished, a counter in shared memory this worker raises as each job ends
 * (before its "done" goes out), so the pool knows the worker is free before reading "done".
 */
import { parentPort, workerData } from "node:worker_threads";
import { getQuickJS } from "quickjs-emscripten";
import { lowerThreadPriority } from "../../thread-priority";
import { runInQuickJS, type SandboxRequest } from "./sandbox-core";

if (!parentPort) throw new Error("sandbox-worker must run in a worker thread");
const port = parentPort;
const { finished } = workerData as { finished: Int32Array };

// Creator code runs below the priority of the thread that serves requests.
lowerThreadPriority();
const QuickJS = await getQuickJS();

let nextCallId = 1;
const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

port.on("message", (message: { type: string; [key: string]: unknown }) => {
  if (message.type === "host-result") {
    const call = calls.get(message.callId as number);
    if (!call) return;
    calls.delete(message.callId as number);
    if (message.ok) call.resolve(message.value);
    else call.reject(new Error(String(message.error)));
    return;
  }
  if (message.type === "run") {
    const id = message.id as number;
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
        Atomics.add(finished, 0, 1);
        port.postMessage({ type: "done", id, result });
      },
    );
  }
});

port.postMessage({ type: "ready" });
