/**
 * Runs creator code in QuickJS (WebAssembly): a fresh runtime per execution, memory and
 * stack limits, and a deadline enforced by an interrupt handler. The code sees only the
 * `input` and a `ctx` whose functions call back into the host as JSON strings, so no
 * host object, prototype or global is reachable from inside.
 *
 * This module is used inside the sandbox worker (sandbox-worker.ts); it has no imports
 * from the app so the worker stays small.
 */
import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle, QuickJSWASMModule } from "quickjs-emscripten";

export type SandboxErrorCode = "timeout" | "memory" | "code_error" | "invalid_output";

export type SandboxRequest = {
  code: string;
  input: unknown;
  timeoutMs: number;
  /** Names of the tools `ctx.tools` exposes. */
  tools: string[];
  memoryLimitBytes?: number;
  stackLimitBytes?: number;
  /** "handler": the code defines `handler(input, ctx)`. "expression": the code is a function body. */
  mode?: "handler" | "expression";
};

export type SandboxResult =
  | { ok: true; output: unknown }
  | { ok: false; error: { code: SandboxErrorCode; message: string } };

export type HostCall = (kind: "llm" | "tool", name: string, args: unknown) => Promise<unknown>;

export const DEFAULT_MEMORY_LIMIT = 32 * 1024 * 1024;
export const DEFAULT_STACK_LIMIT = 512 * 1024;
const MAX_OUTPUT_CHARS = 1_000_000;
const MAX_LOG_CHARS = 4_000;

// The bootstrap runs before creator code. It captures the two host functions in a
// closure, removes them from the global object, freezes the ctx it builds and returns the
// function that calls the creator's handler with the input (a JSON string) and that ctx,
// and settles with the output as JSON.
const BOOTSTRAP = `(function (toolNames) {
  const hostLog = globalThis.__hostLog, hostCall = globalThis.__hostCall;
  delete globalThis.__hostLog; delete globalThis.__hostCall;
  const text = (v) => (typeof v === "string" ? v : JSON.stringify(v));
  const call = async (kind, name, args) => JSON.parse(await hostCall(kind, name, JSON.stringify(args === undefined ? null : args)));
  const tools = {};
  for (const name of toolNames) tools[name] = (args) => call("tool", name, args);
  const ctx = Object.freeze({
    log: (...parts) => { hostLog(parts.map(text).join(" ")); },
    llm: (request) => call("llm", "", typeof request === "string" ? { prompt: request } : request),
    tools: Object.freeze(tools),
  });
  return async (entry, inputJson) => {
    const out = await entry(JSON.parse(inputJson), ctx);
    const json = JSON.stringify(out === undefined ? null : out);
    return json === undefined ? "null" : json;
  };
})`;

function classify(message: string, timedOut: boolean): SandboxErrorCode {
  if (timedOut || /interrupted/i.test(message)) return "timeout";
  if (/out of memory|stack overflow/i.test(message)) return "memory";
  return "code_error";
}

function errorMessage(vm: QuickJSContext, handle: QuickJSHandle): string {
  const dumped = vm.dump(handle) as unknown;
  if (dumped && typeof dumped === "object") {
    const e = dumped as { name?: string; message?: string };
    return `${e.name ?? "Error"}: ${e.message ?? String(dumped)}`;
  }
  return String(dumped);
}

/**
 * Runs one request in a fresh QuickJS runtime. `onResult` gets the result as soon as it is
 * known, before the runtime is torn down (freeing every object of a context is a good part
 * of a short run's cost), so a caller can answer first and clean up after.
 */
export async function runInQuickJS(
  QuickJS: QuickJSWASMModule,
  request: SandboxRequest,
  hostCall: HostCall,
  onLog: (message: string) => void,
  onResult?: (result: SandboxResult) => void,
): Promise<SandboxResult> {
  const runtime = QuickJS.newRuntime();
  runtime.setMemoryLimit(request.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT);
  runtime.setMaxStackSize(request.stackLimitBytes ?? DEFAULT_STACK_LIMIT);
  const deadline = Date.now() + request.timeoutMs;
  let timedOut = false;
  runtime.setInterruptHandler(() => {
    if (Date.now() <= deadline) return false;
    timedOut = true;
    return true;
  });
  const vm = runtime.newContext();
  const pending = new Set<QuickJSDeferredPromise>();
  let disposed = false;
  let timer: NodeJS.Timeout | undefined;

  const fail = (code: SandboxErrorCode, message: string): SandboxResult => ({ ok: false, error: { code, message } });

  let result: SandboxResult | undefined;
  try {
    result = await evaluate();
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    result = fail(classify(message, timedOut), message);
    return result;
  } finally {
    clearTimeout(timer);
    disposed = true;
    if (result) onResult?.(result);
    for (const deferred of pending) deferred.dispose();
    try {
      vm.dispose();
      runtime.dispose();
    } catch {
      // A runtime that ran out of memory can refuse a clean disposal; it is dropped
      // either way and the next execution gets a fresh one.
    }
  }

  async function evaluate(): Promise<SandboxResult> {
    const logFn = vm.newFunction("__hostLog", (msg) => {
      onLog(vm.getString(msg).slice(0, MAX_LOG_CHARS));
    });
    const callFn = vm.newFunction("__hostCall", (kindH, nameH, argsH) => {
      const kind = vm.getString(kindH) === "llm" ? "llm" : "tool";
      const name = vm.getString(nameH);
      const args = vm.getString(argsH);
      const deferred = vm.newPromise();
      pending.add(deferred);
      Promise.resolve()
        .then(() => hostCall(kind, name, JSON.parse(args)))
        .then(
          (value) => {
            if (disposed) return;
            const h = vm.newString(JSON.stringify(value ?? null));
            deferred.resolve(h);
            h.dispose();
          },
          (error: unknown) => {
            if (disposed) return;
            const h = vm.newError(error instanceof Error ? error.message : String(error));
            deferred.reject(h);
            h.dispose();
          },
        )
        .finally(() => {
          if (disposed) return;
          pending.delete(deferred);
          deferred.dispose();
          runtime.executePendingJobs();
        });
      return deferred.handle;
    });
    vm.setProp(vm.global, "__hostLog", logFn);
    vm.setProp(vm.global, "__hostCall", callFn);
    logFn.dispose();
    callFn.dispose();

    const boot = vm.evalCode(`${BOOTSTRAP}(${JSON.stringify(request.tools)})`, "bootstrap.js");
    if (boot.error) {
      const message = errorMessage(vm, boot.error);
      boot.error.dispose();
      return fail("code_error", `sandbox bootstrap failed: ${message}`);
    }
    const runH = boot.value;

    const body =
      request.mode === "expression"
        ? `(async function (input, ctx) {\n${request.code}\n})`
        : `${request.code}\n;(typeof handler === "function" ? handler : (() => { throw new Error("The code must define a function named handler(input, ctx)."); })())`;
    const compiled = vm.evalCode(body, "agent.js");
    if (compiled.error) {
      runH.dispose();
      const message = errorMessage(vm, compiled.error);
      compiled.error.dispose();
      return fail(classify(message, timedOut), message);
    }
    const fnHandle = compiled.value;
    const inputH = vm.newString(JSON.stringify(request.input ?? null));
    const started = vm.callFunction(runH, vm.undefined, fnHandle, inputH);
    inputH.dispose();
    fnHandle.dispose();
    runH.dispose();
    if (started.error) {
      const message = errorMessage(vm, started.error);
      started.error.dispose();
      return fail(classify(message, timedOut), message);
    }
    runtime.executePendingJobs();
    // Code that makes no host call has settled by now: its outcome is read at once. Only a
    // run still waiting (on ctx.llm or a tool) goes through a host-side promise.
    const state = vm.getPromiseState(started.value);
    let outcome: { value: QuickJSHandle; error?: undefined } | { error: QuickJSHandle };
    if (state.type === "pending") {
      const settled = vm.resolvePromise(started.value);
      started.value.dispose();
      // The interrupt handler only runs while JS runs; a timer covers time spent waiting
      // on host calls.
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()));
      });
      const raced = await Promise.race([settled, timeout]);
      if (raced === "timeout") {
        timedOut = true;
        return fail("timeout", `The code did not finish within ${request.timeoutMs} ms.`);
      }
      outcome = raced;
    } else {
      outcome = state.type === "fulfilled" ? { value: state.value } : { error: state.error };
      // The run function is async, so `started` is a promise and the settled state holds a
      // new handle for its result (only a non-promise would be handed back as itself).
      if (state.type !== "fulfilled" || !state.notAPromise) started.value.dispose();
    }
    if (outcome.error) {
      const message = errorMessage(vm, outcome.error);
      outcome.error.dispose();
      return fail(classify(message, timedOut), message);
    }
    const json = vm.getString(outcome.value);
    outcome.value.dispose();
    if (json.length > MAX_OUTPUT_CHARS) {
      return fail("invalid_output", `The output is larger than ${MAX_OUTPUT_CHARS} characters.`);
    }
    return { ok: true, output: JSON.parse(json) };
  }
}
