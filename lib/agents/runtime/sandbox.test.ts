import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { WORKER_NICENESS } from "@/lib/thread-priority";
import { niceOf, threadsStartedBy } from "@/lib/thread-priority.testing";
import { SandboxPool, type SandboxRequest } from "./sandbox";

const pool = new SandboxPool(2, 4);
beforeAll(() => pool.warm());
afterAll(() => pool.close());

const noHost = { hostCall: async () => null, onLog: () => {} };
const run = (code: string, extra: Partial<SandboxRequest> = {}) =>
  pool.run({ code, input: { n: 2 }, timeoutMs: 1_000, tools: [], ...extra }, noHost);

/** Counts how often the host's event loop gets a turn while `work` runs. */
async function ticksDuring<T>(work: Promise<T>): Promise<{ result: T; ticks: number; ms: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 20);
  const started = performance.now();
  const result = await work;
  clearInterval(timer);
  return { result, ticks, ms: performance.now() - started };
}

describe("sandbox", () => {
  test("runs a handler with its input and returns JSON output", async () => {
    expect(await run(`async function handler(input) { return { doubled: input.n * 2, at: typeof Date.now() } }`)).toEqual({
      ok: true,
      output: { doubled: 4, at: "number" },
    });
  });

  test("an infinite loop ends as a timeout within the deadline + 100 ms while the host keeps serving", async () => {
    const { result, ticks, ms } = await ticksDuring(run(`async function handler() { for (;;) {} }`, { timeoutMs: 500 }));
    expect(result).toMatchObject({ ok: false, error: { code: "timeout" } });
    expect(ms).toBeLessThan(600);
    expect(ticks).toBeGreaterThanOrEqual(15);
    expect(await run(`async function handler() { return "still alive" }`)).toEqual({ ok: true, output: "still alive" });
  });

  test("a memory bomb fails cleanly and the next run works", async () => {
    const { result, ticks } = await ticksDuring(
      run(`async function handler() { const a = []; for (;;) a.push(new Array(100000).fill(a.length)); }`, { timeoutMs: 2_000 }),
    );
    expect(result.ok).toBe(false);
    expect(["memory", "timeout"]).toContain(!result.ok && result.error.code);
    expect(ticks).toBeGreaterThan(5);
    expect(await run(`async function handler(i) { return i.n }`)).toEqual({ ok: true, output: 2 });
  });

  test("deep recursion fails cleanly", async () => {
    const result = await run(`async function handler() { const f = (n) => f(n + 1) + 1; return f(0); }`);
    expect(result).toMatchObject({ ok: false });
  });

  test.each([
    ["process", `return typeof process`],
    ["require", `return typeof require`],
    ["module", `return typeof module`],
    ["fetch", `return typeof fetch`],
    ["setTimeout", `return typeof setTimeout`],
    ["Function constructor escape", `return typeof (ctx.log.constructor("return this")()).process`],
    ["constructor chain escape", `return typeof ({}).constructor.constructor("return typeof process")() === "string" ? (({}).constructor.constructor("return typeof process")()) : "x"`],
    ["import()", `try { await import("fs"); return "imported"; } catch (e) { return "undefined"; }`],
  ])("%s reaches nothing of the host", async (_name, body) => {
    expect(await run(body, { mode: "expression" })).toEqual({ ok: true, output: "undefined" });
  });

  test("globalThis holds only the language's own globals", async () => {
    const result = await run(`return Object.getOwnPropertyNames(globalThis).filter((k) => !/^[A-Z]/.test(k)).sort()`, { mode: "expression" });
    expect(result.ok).toBe(true);
    const names = result.ok ? (result.output as string[]) : [];
    for (const hostOnly of ["process", "require", "Buffer", "__hostCall", "__hostLog", "global"]) expect(names).not.toContain(hostOnly);
    // The sandbox's own plumbing (ctx, the input, the entry point) is not left on the global object either.
    expect(names.filter((name) => name.startsWith("__"))).toEqual([]);
  });

  test("prototype pollution inside stays inside", async () => {
    const result = await run(
      `Object.prototype.polluted = "yes"; Array.prototype.map = null; JSON.parse = () => ({ hacked: true }); return { ok: ({}).polluted }`,
      { mode: "expression" },
    );
    expect(result).toEqual({ ok: true, output: { ok: "yes" } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect([1].map((x) => x + 1)).toEqual([2]);
    expect(await run(`return ({}).polluted === undefined`, { mode: "expression" })).toEqual({ ok: true, output: true });
  });

  test("ctx is frozen and host calls carry JSON only", async () => {
    const calls: unknown[] = [];
    const result = await pool.run(
      {
        code: `async function handler(input, ctx) {
          try { ctx.tools.search = () => "hijacked"; } catch (e) {}
          const r = await ctx.tools.search({ q: input.q, fn: () => 1 });
          return { r, frozen: Object.isFrozen(ctx) };
        }`,
        input: { q: "x" },
        timeoutMs: 1_000,
        tools: ["search"],
      },
      { hostCall: async (kind, name, args) => (calls.push({ kind, name, args }), { found: 1 }), onLog: () => {} },
    );
    expect(result).toEqual({ ok: true, output: { r: { found: 1 }, frozen: true } });
    expect(calls).toEqual([{ kind: "tool", name: "search", args: { q: "x" } }]);
  });

  test("ctx.log writes its arguments as text, ctx.llm sends a string as the prompt, and an argument that is not JSON is refused inside", async () => {
    const logs: string[] = [];
    const calls: unknown[] = [];
    const result = await pool.run(
      {
        code: `async function handler(input, ctx) {
          ctx.log("rows", { n: input.n }, 3, undefined);
          const answer = await ctx.llm("Summarise");
          let refused = null;
          try { await ctx.tools.t({ big: 1n }); } catch (e) { refused = e.name; }
          let logRefused = null;
          try { ctx.log(2n); } catch (e) { logRefused = e.name; }
          return { answer, refused, logRefused };
        }`,
        input: { n: 2 },
        timeoutMs: 1_000,
        tools: ["t"],
      },
      { hostCall: async (kind, name, args) => (calls.push({ kind, name, args }), { text: "short" }), onLog: (message) => logs.push(message) },
    );
    expect(result).toEqual({ ok: true, output: { answer: { text: "short" }, refused: "TypeError", logRefused: "TypeError" } });
    expect(logs).toEqual(['rows {"n":2} 3 ']);
    expect(calls).toEqual([{ kind: "llm", name: "", args: { prompt: "Summarise" } }]);
  });

  test("the plumbing keeps working when the code redefines JSON, Object.freeze and Promise", async () => {
    const result = await pool.run(
      {
        code: `async function handler(input, ctx) {
          const r = await ctx.tools.t({ q: 1 });
          JSON.stringify = () => "tampered"; JSON.parse = () => ({ tampered: true }); Object.freeze = (o) => o; Promise = null;
          return { r, n: input.n };
        }`,
        input: { n: 5 },
        timeoutMs: 1_000,
        tools: ["t"],
      },
      { hostCall: async () => ({ found: 2 }), onLog: () => {} },
    );
    expect(result).toEqual({ ok: true, output: { r: { found: 2 }, n: 5 } });
  });

  test.each([
    ["a thenable is awaited", `function handler() { return { then(resolve) { resolve(7); } }; }`, { ok: true, output: 7 }],
    ["a plain (not async) handler's value is the output", `function handler(input) { return input.n * 10; }`, { ok: true, output: 20 }],
    ["undefined becomes null", `async function handler() {}`, { ok: true, output: null }],
    ["an output that is not JSON is a code error", `async function handler() { return 1n; }`, { ok: false, error: { code: "code_error", message: expect.stringContaining("TypeError") } }],
  ])("%s", async (_name, code, expected) => {
    expect(await run(code)).toEqual(expected);
  });

  test("a host call that fails becomes an exception inside", async () => {
    const result = await pool.run(
      { code: `async function handler(i, ctx) { try { await ctx.tools.t({}); } catch (e) { return e.message } }`, input: null, timeoutMs: 1_000, tools: ["t"] },
      { hostCall: async () => Promise.reject(new Error("tool broke")), onLog: () => {} },
    );
    expect(result).toEqual({ ok: true, output: "tool broke" });
  });

  test.each([
    ["a syntax error", `async function handler( {`],
    ["no handler", `const x = 1;`],
    ["a thrown error", `async function handler() { throw new TypeError("bad input") }`],
  ])("%s is a code error with a message", async (_name, code) => {
    const result = await run(code);
    expect(result).toMatchObject({ ok: false, error: { code: "code_error", message: expect.any(String) } });
  });

  // A run that makes no host call has settled when its jobs have run and is read at once;
  // one that waits on the host settles later. Both report the outcome the same way.
  test.each([
    ["settled at once", `async function handler() { throw new TypeError("bad input") }`],
    ["after a host call", `async function handler(i, ctx) { await ctx.tools.t({}); throw new TypeError("bad input") }`],
  ])("an error thrown %s keeps its message", async (_name, code) => {
    const result = await pool.run({ code, input: null, timeoutMs: 1_000, tools: ["t"] }, noHost);
    expect(result).toEqual({ ok: false, error: { code: "code_error", message: "TypeError: bad input" } });
  });

  test.each([
    ["settled at once", `async function handler(input) { return input.n + 1 }`],
    ["after a host call", `async function handler(input, ctx) { return (await ctx.tools.t({})) + input.n }`],
  ])("an output %s is returned", async (_name, code) => {
    const result = await pool.run({ code, input: { n: 2 }, timeoutMs: 1_000, tools: ["t"] }, { hostCall: async () => 40, onLog: () => {} });
    expect(result).toEqual({ ok: true, output: code.includes("tools") ? 42 : 3 });
  });
});

// Thread priorities are per thread only on Linux; elsewhere the pool leaves them alone.
test.runIf(process.platform === "linux")("sandbox workers run at a lower priority than the rest of the process", async () => {
  const processNice = niceOf(String(process.pid));
  const fresh = new SandboxPool(2, 2);
  try {
    const started = await threadsStartedBy(() => fresh.warm());
    expect(started.filter((t) => t.nice === Math.min(19, processNice + WORKER_NICENESS)).length).toBeGreaterThanOrEqual(2);
    expect(niceOf(String(process.pid))).toBe(processNice);
    expect(await fresh.run({ code: "async function handler(input) { return input.n + 1 }", input: { n: 1 }, timeoutMs: 1_000, tools: [] }, noHost)).toEqual({ ok: true, output: 2 });
  } finally {
    await fresh.close();
  }
});

test("by default two jobs per CPU run code at once, and the next one waits for a turn", async () => {
  const cpus = availableParallelism();
  const slots = 2 * cpus;
  const fresh = new SandboxPool(slots + 1, 8 + slots);
  try {
    await fresh.warm();
    // Each job reports when it started and ended (by the host's clock, which the sandbox shares).
    const spans = await Promise.all(
      Array.from({ length: slots + 1 }, () =>
        fresh.run(
          { code: `async function handler() { const start = Date.now(); while (Date.now() < start + 400) {} return [start, Date.now()]; }`, input: null, timeoutMs: 10_000, tools: [] },
          noHost,
        ),
      ),
    );
    const intervals = spans.map((result) => {
      if (!result.ok) throw new Error(result.error.message);
      return result.output as [number, number];
    });
    // The most jobs running at one moment: every job but the last starts at once, the last
    // only when one of them has ended.
    const overlap = Math.max(...intervals.map(([start]) => intervals.filter(([s, e]) => s <= start && start < e).length));
    expect(overlap).toBe(slots);
  } finally {
    await fresh.close();
  }
});

describe("sandbox pool scheduling", () => {
  // One job computing at a time; up to 3 workers hold jobs.
  const narrow = new SandboxPool(1, 3, 1);
  afterAll(() => narrow.close());
  const busy = (ms: number) => `async function handler() { const end = Date.now() + ${ms}; while (Date.now() < end) {} return Date.now(); }`;

  test("no more jobs run code at once than maxComputing: the second waits for the first", async () => {
    const started = performance.now();
    const spans = await Promise.all(
      [0, 1].map(async () => {
        const result = await narrow.run({ code: busy(150), input: null, timeoutMs: 2_000, tools: [] }, noHost);
        expect(result.ok).toBe(true);
        return performance.now() - started;
      }),
    );
    // Run side by side, both would end after ~150 ms; one after the other, the second ends after ~300 ms.
    expect(Math.max(...spans)).toBeGreaterThanOrEqual(290);
  });

  test("a job waiting on a host call (a model, a tool) leaves its turn to the next one", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const waiting = narrow.run(
      { code: `async function handler(input, ctx) { return await ctx.tools.wait({}); }`, input: null, timeoutMs: 5_000, tools: ["wait"] },
      { hostCall: async () => (await gate, "answered"), onLog: () => {} },
    );
    // While the first job waits on its host call, a second one runs to the end.
    const second = await narrow.run({ code: busy(20), input: null, timeoutMs: 2_000, tools: [] }, noHost);
    expect(second.ok).toBe(true);
    release();
    expect(await waiting).toEqual({ ok: true, output: "answered" });
    // The counts are back where they started: two more jobs still run one after the other.
    const started = performance.now();
    await Promise.all([0, 1].map(() => narrow.run({ code: busy(100), input: null, timeoutMs: 2_000, tools: [] }, noHost)));
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  test("a job queued behind the cap still gets a worker after a run is stopped for its deadline", async () => {
    const [runaway, next] = await Promise.all([
      narrow.run({ code: `async function handler() { for (;;) {} }`, input: null, timeoutMs: 200, tools: [] }, noHost),
      narrow.run({ code: `async function handler() { return "after" }`, input: null, timeoutMs: 2_000, tools: [] }, noHost),
    ]);
    expect(runaway).toMatchObject({ ok: false, error: { code: "timeout" } });
    expect(next).toEqual({ ok: true, output: "after" });
  });

  test("a worker that has answered takes the next job before the request thread has read that answer", async () => {
    const single = new SandboxPool(1, 1, 1);
    const posted = vi.spyOn(Worker.prototype, "postMessage");
    const runsPosted = () => posted.mock.calls.filter(([message]) => (message as { type?: string }).type === "run").length;
    // Microtasks only: the event loop gets no turn, so no message from a worker is read.
    const microtasks = async () => {
      for (let i = 0; i < 20; i++) await null;
    };
    try {
      await single.warm();
      const first = single.run({ code: `async function handler() { return "first" }`, input: null, timeoutMs: 2_000, tools: [] }, noHost);
      await microtasks();
      expect(runsPosted()).toBe(1);
      // This thread stays busy until the worker has counted the job finished: its answer is
      // waiting, unread, as it does on a busy server.
      const finished = (single as unknown as { workers: { finished: Int32Array }[] }).workers[0]!.finished;
      const deadline = Date.now() + 10_000;
      while (Atomics.load(finished, 0) === 0 && Date.now() < deadline) {
        // busy
      }
      expect(Atomics.load(finished, 0)).toBe(1);
      const second = single.run({ code: `async function handler() { return "second" }`, input: null, timeoutMs: 2_000, tools: [] }, noHost);
      await microtasks();
      // The only worker, with maxComputing 1, already has the second job.
      expect(runsPosted()).toBe(2);
      expect(await Promise.all([first, second])).toEqual([
        { ok: true, output: "first" },
        { ok: true, output: "second" },
      ]);
    } finally {
      posted.mockRestore();
      await single.close();
    }
  });
});
