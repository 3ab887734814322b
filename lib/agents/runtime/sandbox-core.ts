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

/**
 * `cancelled`: the run ended (or was stopped) before this code finished. `busy`: the pool
 * refused to start the job (its tenant has too many waiting, or it waited too long).
 */
export type SandboxErrorCode = "timeout" | "memory" | "code_error" | "invalid_output" | "cancelled" | "busy";

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
  /**
   * Tool calls forwarded to the host; later ones are rejected here with `refusal`, so a
   * run that floods ctx.tools costs the host (the request thread) nothing past its cap.
   */
  toolCalls?: { max: number; refusal: string };
};

export type SandboxResult =
  { ok: true; output: unknown } | { ok: false; error: { code: SandboxErrorCode; message: string } };

export type HostCall = (kind: "llm" | "tool", name: string, args: unknown) => Promise<unknown>;

export const DEFAULT_MEMORY_LIMIT = 32 * 1024 * 1024;
export const DEFAULT_STACK_LIMIT = 512 * 1024;
const MAX_OUTPUT_CHARS = 1_000_000;
const MAX_LOG_CHARS = 4_000;
/** What ctx.log may write in one run, in characters; past it lines are dropped, here in the worker. */
export const MAX_LOG_CHARS_PER_RUN = 64 * 1024;

/** The language's own functions the plumbing calls, taken before creator code runs. */
type Builtins = { parse: QuickJSHandle; stringify: QuickJSHandle; freeze: QuickJSHandle; resolve: QuickJSHandle };

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
  /** Aborted when the run this job belongs to has ended: the code is interrupted. */
  stop?: AbortSignal,
  /** Asked while code runs (when no message can be read): true stops it as `stop` would. */
  isStopped?: () => boolean,
): Promise<SandboxResult> {
  const runtime = QuickJS.newRuntime();
  runtime.setMemoryLimit(request.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT);
  runtime.setMaxStackSize(request.stackLimitBytes ?? DEFAULT_STACK_LIMIT);
  const deadline = Date.now() + request.timeoutMs;
  let timedOut = false;
  runtime.setInterruptHandler(() => {
    if (stop?.aborted || isStopped?.()) return true;
    if (Date.now() <= deadline) return false;
    timedOut = true;
    return true;
  });
  const vm = runtime.newContext();
  const pending = new Set<QuickJSDeferredPromise>();
  let disposed = false;
  let timer: NodeJS.Timeout | undefined;

  const fail = (code: SandboxErrorCode, message: string): SandboxResult => ({ ok: false, error: { code, message } });

  const cancelled = (): SandboxResult => fail("cancelled", "The run ended before this code finished.");
  let result: SandboxResult | undefined;
  try {
    result = await evaluate();
    if (stop?.aborted && !result.ok) result = cancelled();
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    result = stop?.aborted ? cancelled() : fail(classify(message, timedOut), message);
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
    // The language's JSON, Object.freeze and Promise.resolve, taken before creator code
    // runs, so the plumbing below keeps working whatever that code redefines.
    const builtins = vm.evalCode(
      "[JSON.parse, JSON.stringify, Object.freeze, Promise.resolve.bind(Promise)]",
      "sandbox.js",
    );
    if (builtins.error) {
      const message = errorMessage(vm, builtins.error);
      builtins.error.dispose();
      return fail("code_error", `sandbox setup failed: ${message}`);
    }
    const [parse, stringify, freeze, resolve] = [0, 1, 2, 3].map((i) => vm.getProp(builtins.value, i)) as [
      QuickJSHandle,
      QuickJSHandle,
      QuickJSHandle,
      QuickJSHandle,
    ];
    builtins.value.dispose();
    try {
      return await runEntry({ parse, stringify, freeze, resolve });
    } finally {
      // The run is over: a host call answering late must not touch these handles.
      disposed = true;
      for (const h of [parse, stringify, freeze, resolve]) h.dispose();
    }
  }

  /** JSON.stringify inside the VM: the text, undefined (functions, undefined) or the error it threw. */
  function stringify(b: Builtins, value: QuickJSHandle): { text: string | undefined } | { error: QuickJSHandle } {
    const out = vm.callFunction(b.stringify, vm.undefined, value);
    if (out.error) return { error: out.error };
    const text = vm.typeof(out.value) === "string" ? vm.getString(out.value) : undefined;
    out.value.dispose();
    return { text };
  }

  async function runEntry(b: Builtins): Promise<SandboxResult> {
    // ctx is built from the host side (no bootstrap script to compile on every run):
    // ctx.log, ctx.llm and ctx.tools.* take and return JSON only, and ctx is frozen.
    const fromHost = (kind: "llm" | "tool", name: string, argsJson: string) => {
      const deferred = vm.newPromise();
      pending.add(deferred);
      Promise.resolve()
        .then(() => hostCall(kind, name, JSON.parse(argsJson)))
        .then(
          (value) => {
            if (disposed) return;
            const text = vm.newString(JSON.stringify(value ?? null));
            const parsed = vm.callFunction(b.parse, vm.undefined, text);
            text.dispose();
            if (parsed.error) deferred.reject(parsed.error);
            else deferred.resolve(parsed.value);
            (parsed.error ?? parsed.value).dispose();
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
    };
    let toolCalls = 0;
    const rejected = (error: QuickJSHandle) => {
      // Rejected at once; returning the handle hands it to QuickJS, and settling freed the rest.
      const deferred = vm.newPromise();
      deferred.reject(error);
      error.dispose();
      return deferred.handle;
    };
    /** A host call's promise, or a promise rejected with what serialising its argument threw. */
    const call = (kind: "llm" | "tool", name: string, args: QuickJSHandle | undefined, asPrompt: boolean) => {
      if (kind === "tool" && request.toolCalls && ++toolCalls > request.toolCalls.max)
        return rejected(vm.newError(request.toolCalls.refusal));
      if (asPrompt && args && vm.typeof(args) === "string")
        return fromHost(kind, name, JSON.stringify({ prompt: vm.getString(args) }));
      const json = args === undefined || vm.typeof(args) === "undefined" ? { text: "null" } : stringify(b, args);
      if ("error" in json) return rejected(json.error);
      return fromHost(kind, name, json.text ?? "null");
    };

    const ctx = vm.newObject();
    const tools = vm.newObject();
    // A log flood stops here: nothing past the run's allowance is copied out of QuickJS or
    // posted to the host, however long the code keeps logging.
    let logged = 0;
    const log = vm.newFunction("log", (...parts) => {
      if (logged >= MAX_LOG_CHARS_PER_RUN) return;
      const texts: string[] = [];
      for (const part of parts) {
        if (vm.typeof(part) === "string") {
          texts.push(vm.getString(part));
          continue;
        }
        const json = stringify(b, part);
        if ("error" in json) return { error: json.error };
        texts.push(json.text ?? "");
      }
      const line = texts.join(" ").slice(0, Math.min(MAX_LOG_CHARS, MAX_LOG_CHARS_PER_RUN - logged));
      logged += line.length;
      onLog(
        logged >= MAX_LOG_CHARS_PER_RUN
          ? `${line}\n[ctx.log limit of ${MAX_LOG_CHARS_PER_RUN} characters per run reached: further output is dropped]`
          : line,
      );
    });
    const llm = vm.newFunction("llm", (request) => call("llm", "", request, true));
    vm.setProp(ctx, "log", log);
    vm.setProp(ctx, "llm", llm);
    log.dispose();
    llm.dispose();
    for (const name of request.tools) {
      const tool = vm.newFunction(name, (args) => call("tool", name, args, false));
      vm.setProp(tools, name, tool);
      tool.dispose();
    }
    vm.callFunction(b.freeze, vm.undefined, tools).unwrap().dispose();
    vm.setProp(ctx, "tools", tools);
    tools.dispose();
    vm.callFunction(b.freeze, vm.undefined, ctx).unwrap().dispose();
    try {
      return await runWith(ctx, b);
    } finally {
      ctx.dispose();
    }
  }

  async function runWith(ctx: QuickJSHandle, b: Builtins): Promise<SandboxResult> {
    const body =
      request.mode === "expression"
        ? `(async function (input, ctx) {\n${request.code}\n})`
        : `${request.code}\n;(typeof handler === "function" ? handler : (() => { throw new Error("The code must define a function named handler(input, ctx)."); })())`;
    const compiled = vm.evalCode(body, "agent.js");
    if (compiled.error) {
      const message = errorMessage(vm, compiled.error);
      compiled.error.dispose();
      return fail(classify(message, timedOut), message);
    }
    const fnHandle = compiled.value;
    // The input crosses as JSON text and is parsed inside.
    const inputText = vm.newString(JSON.stringify(request.input ?? null));
    const input = vm.callFunction(b.parse, vm.undefined, inputText);
    inputText.dispose();
    const returned = input.error ? input : vm.callFunction(fnHandle, vm.undefined, input.value, ctx);
    if (!input.error) input.value.dispose();
    fnHandle.dispose();
    // What the handler returned, as `await` would take it (a promise, a thenable or a value).
    const started = returned.error ? returned : vm.callFunction(b.resolve, vm.undefined, returned.value);
    if (!returned.error) returned.value.dispose();
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
      const timeout = new Promise<"timeout" | "stopped">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()));
        stop?.addEventListener("abort", () => resolve("stopped"), { once: true });
      });
      const raced = await Promise.race([settled, timeout]);
      if (raced === "stopped") return cancelled();
      if (raced === "timeout") {
        timedOut = true;
        return fail("timeout", `The code did not finish within ${request.timeoutMs} ms.`);
      }
      outcome = raced;
    } else {
      outcome = state.type === "fulfilled" ? { value: state.value } : { error: state.error };
      // `started` is a promise (Promise.resolve's), so the settled state holds a new handle
      // for its result (only a non-promise would be handed back as itself).
      if (state.type !== "fulfilled" || !state.notAPromise) started.value.dispose();
    }
    if (outcome.error) {
      const message = errorMessage(vm, outcome.error);
      outcome.error.dispose();
      return fail(classify(message, timedOut), message);
    }
    const serialised = vm.typeof(outcome.value) === "undefined" ? { text: "null" } : stringify(b, outcome.value);
    outcome.value.dispose();
    if ("error" in serialised) {
      const message = errorMessage(vm, serialised.error);
      serialised.error.dispose();
      return fail(classify(message, timedOut), message);
    }
    const json = serialised.text ?? "null";
    if (json.length > MAX_OUTPUT_CHARS) {
      return fail("invalid_output", `The output is larger than ${MAX_OUTPUT_CHARS} characters.`);
    }
    return { ok: true, output: JSON.parse(json) };
  }
}
