import { availableParallelism } from "node:os";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { WORKER_NICENESS } from "@/lib/platform/thread-priority";
import { niceOf, threadsStartedBy } from "@/lib/platform/thread-priority.testing";
import { SandboxPool, type SandboxJob, type SandboxRequest } from "./sandbox";

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
    expect(
      await run(`async function handler(input) { return { doubled: input.n * 2, at: typeof Date.now() } }`),
    ).toEqual({
      ok: true,
      output: { doubled: 4, at: "number" },
    });
  });

  test("an infinite loop ends as a timeout within the deadline + 100 ms while the host keeps serving", async () => {
    const { result, ticks, ms } = await ticksDuring(
      run(`async function handler() { for (;;) {} }`, { timeoutMs: 500 }),
    );
    expect(result).toMatchObject({ ok: false, error: { code: "timeout" } });
    expect(ms).toBeLessThan(600);
    expect(ticks).toBeGreaterThanOrEqual(15);
    expect(await run(`async function handler() { return "still alive" }`)).toEqual({ ok: true, output: "still alive" });
  });

  test("a memory bomb fails cleanly and the next run works", async () => {
    const { result, ticks } = await ticksDuring(
      run(`async function handler() { const a = []; for (;;) a.push(new Array(100000).fill(a.length)); }`, {
        timeoutMs: 2_000,
      }),
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
    [
      "constructor chain escape",
      `return typeof ({}).constructor.constructor("return typeof process")() === "string" ? (({}).constructor.constructor("return typeof process")()) : "x"`,
    ],
    ["import()", `try { await import("fs"); return "imported"; } catch (e) { return "undefined"; }`],
  ])("%s reaches nothing of the host", async (_name, body) => {
    expect(await run(body, { mode: "expression" })).toEqual({ ok: true, output: "undefined" });
  });

  test("globalThis holds only the language's own globals", async () => {
    const result = await run(`return Object.getOwnPropertyNames(globalThis).filter((k) => !/^[A-Z]/.test(k)).sort()`, {
      mode: "expression",
    });
    expect(result.ok).toBe(true);
    const names = result.ok ? (result.output as string[]) : [];
    for (const hostOnly of ["process", "require", "Buffer", "__hostCall", "__hostLog", "global"])
      expect(names).not.toContain(hostOnly);
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
      {
        hostCall: async (kind, name, args) => (calls.push({ kind, name, args }), { text: "short" }),
        onLog: (message) => logs.push(message),
      },
    );
    expect(result).toEqual({
      ok: true,
      output: { answer: { text: "short" }, refused: "TypeError", logRefused: "TypeError" },
    });
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
    [
      "a thenable is awaited",
      `function handler() { return { then(resolve) { resolve(7); } }; }`,
      { ok: true, output: 7 },
    ],
    [
      "a plain (not async) handler's value is the output",
      `function handler(input) { return input.n * 10; }`,
      { ok: true, output: 20 },
    ],
    ["undefined becomes null", `async function handler() {}`, { ok: true, output: null }],
    [
      "an output that is not JSON is a code error",
      `async function handler() { return 1n; }`,
      { ok: false, error: { code: "code_error", message: expect.stringContaining("TypeError") } },
    ],
  ])("%s", async (_name, code, expected) => {
    expect(await run(code)).toEqual(expected);
  });

  test("a host call that fails becomes an exception inside", async () => {
    const result = await pool.run(
      {
        code: `async function handler(i, ctx) { try { await ctx.tools.t({}); } catch (e) { return e.message } }`,
        input: null,
        timeoutMs: 1_000,
        tools: ["t"],
      },
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
    const result = await pool.run(
      { code, input: { n: 2 }, timeoutMs: 1_000, tools: ["t"] },
      { hostCall: async () => 40, onLog: () => {} },
    );
    expect(result).toEqual({ ok: true, output: code.includes("tools") ? 42 : 3 });
  });
});

// Thread priorities are per thread only on Linux; elsewhere the pool leaves them alone.
test.runIf(process.platform === "linux")(
  "sandbox workers run at a lower priority than the rest of the process",
  async () => {
    const processNice = niceOf(String(process.pid));
    const fresh = new SandboxPool(2, 2);
    try {
      const started = await threadsStartedBy(() => fresh.warm());
      expect(
        started.filter((t) => t.nice === Math.min(19, processNice + WORKER_NICENESS)).length,
      ).toBeGreaterThanOrEqual(2);
      expect(niceOf(String(process.pid))).toBe(processNice);
      expect(
        await fresh.run(
          {
            code: "async function handler(input) { return input.n + 1 }",
            input: { n: 1 },
            timeoutMs: 1_000,
            tools: [],
          },
          noHost,
        ),
      ).toEqual({ ok: true, output: 2 });
    } finally {
      await fresh.close();
    }
  },
);

test("by default two jobs per CPU run code at once, and the next one waits for a turn", async () => {
  const cpus = availableParallelism();
  const slots = 2 * cpus;
  const fresh = new SandboxPool(slots + 1, 8 + slots);
  try {
    await fresh.warm();
    // Each job reports when it started and ended (by the host's clock, which the sandbox shares).
    // One tenant each: a tenant alone may use only its share.
    const spans = await Promise.all(
      Array.from({ length: slots + 1 }, (_, i) =>
        fresh.run(
          {
            code: `async function handler() { const start = Date.now(); while (Date.now() < start + 400) {} return [start, Date.now()]; }`,
            input: null,
            timeoutMs: 10_000,
            tools: [],
          },
          { ...noHost, tenant: `t${i}` },
        ),
      ),
    );
    const intervals = spans.map((result) => {
      if (!result.ok) throw new Error(result.error.message);
      return result.output as [number, number];
    });
    // The most jobs running at one moment: every job but the last starts at once, the last
    // only when one of them has ended.
    const overlap = Math.max(
      ...intervals.map(([start]) => intervals.filter(([s, e]) => s <= start && start < e).length),
    );
    expect(overlap).toBe(slots);
  } finally {
    await fresh.close();
  }
});

describe("sandbox pool scheduling", () => {
  // One job computing at a time; up to 3 workers hold jobs.
  const narrow = new SandboxPool(1, 3, 1);
  afterAll(() => narrow.close());
  const busy = (ms: number) =>
    `async function handler() { const end = Date.now() + ${ms}; while (Date.now() < end) {} return Date.now(); }`;

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
      {
        code: `async function handler(input, ctx) { return await ctx.tools.wait({}); }`,
        input: null,
        timeoutMs: 5_000,
        tools: ["wait"],
      },
      { hostCall: async () => (await gate, "answered"), onLog: () => {}, tenant: "a" },
    );
    // While the first job waits on its host call, another tenant's job runs to the end.
    const second = await narrow.run(
      { code: busy(20), input: null, timeoutMs: 2_000, tools: [] },
      { ...noHost, tenant: "b" },
    );
    expect(second.ok).toBe(true);
    release();
    expect(await waiting).toEqual({ ok: true, output: "answered" });
    // The counts are back where they started: two more jobs still run one after the other.
    const started = performance.now();
    await Promise.all(
      [0, 1].map(() => narrow.run({ code: busy(100), input: null, timeoutMs: 2_000, tools: [] }, noHost)),
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  test("a job queued behind the cap still gets a worker after a run is stopped for its deadline", async () => {
    const [runaway, next] = await Promise.all([
      narrow.run({ code: `async function handler() { for (;;) {} }`, input: null, timeoutMs: 200, tools: [] }, noHost),
      narrow.run(
        { code: `async function handler() { return "after" }`, input: null, timeoutMs: 2_000, tools: [] },
        noHost,
      ),
    ]);
    expect(runaway).toMatchObject({ ok: false, error: { code: "timeout" } });
    expect(next).toEqual({ ok: true, output: "after" });
  });
});

describe("sandbox fairness and bounds", () => {
  const loop = `async function handler() { for (;;) {} }`;
  const quick = `async function handler(input) { return input }`;

  test("a free tenant's infinite loops take at most its share: a paid job starts at once and ends fast", async () => {
    const shared = new SandboxPool(2, 8, 4);
    try {
      await shared.warm();
      const loops = Array.from({ length: 8 }, () =>
        shared.run(
          { code: loop, input: null, timeoutMs: 1_500, tools: [] },
          { ...noHost, tenant: "user:hostile", priority: "free" },
        ),
      );
      await new Promise((r) => setTimeout(r, 100));
      const started = performance.now();
      expect(
        await shared.run(
          { code: quick, input: 7, timeoutMs: 1_000, tools: [] },
          { ...noHost, tenant: "org:paying", priority: "paid" },
        ),
      ).toEqual({ ok: true, output: 7 });
      expect(performance.now() - started).toBeLessThan(300);
      const results = await Promise.all(loops);
      expect(results.every((r) => !r.ok && (r.error.code === "timeout" || r.error.code === "busy"))).toBe(true);
    } finally {
      await shared.close();
    }
  });

  test("a job's deadline counts from when it starts computing, not from when it was queued", async () => {
    const single = new SandboxPool(1, 2, 1);
    try {
      const busy = (ms: number) =>
        `async function handler() { const end = Date.now() + ${ms}; while (Date.now() < end) {} return "done"; }`;
      const [first, second] = await Promise.all([
        single.run({ code: busy(300), input: null, timeoutMs: 2_000, tools: [] }, { ...noHost, tenant: "a" }),
        single.run({ code: busy(100), input: null, timeoutMs: 250, tools: [] }, { ...noHost, tenant: "b" }),
      ]);
      expect(first).toEqual({ ok: true, output: "done" });
      expect(second).toEqual({ ok: true, output: "done" });
    } finally {
      await single.close();
    }
  });

  test("a job that cannot start in time is refused as busy; one whose run ended while waiting is dropped", async () => {
    const single = new SandboxPool(1, 2, 1, { maxWaitMs: 200 });
    try {
      const hog = single.run({ code: loop, input: null, timeoutMs: 1_000, tools: [] }, { ...noHost, tenant: "a" });
      await new Promise((r) => setTimeout(r, 50));
      const started = performance.now();
      const refused = await single.run(
        { code: quick, input: 1, timeoutMs: 1_000, tools: [] },
        { ...noHost, tenant: "b" },
      );
      expect(refused).toMatchObject({ ok: false, error: { code: "busy" } });
      expect(performance.now() - started).toBeLessThan(500);
      const ended = new AbortController();
      const logs: string[] = [];
      const dropped = single.run(
        {
          code: `async function handler(i, ctx) { ctx.log("ran"); return 1 }`,
          input: null,
          timeoutMs: 1_000,
          tools: [],
        },
        { hostCall: async () => null, onLog: (m) => logs.push(m), tenant: "c", signal: ended.signal },
      );
      ended.abort();
      expect(await dropped).toMatchObject({ ok: false, error: { code: "cancelled" } });
      await hog;
      expect(logs).toEqual([]);
    } finally {
      await single.close();
    }
  });

  test("eight runs that each start a nested job all finish: the nested job runs in its parent's worker", async () => {
    const small = new SandboxPool(2, 8, 2);
    try {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => {
          let job: SandboxJob | undefined;
          return small.run(
            {
              code: `async function handler(input, ctx) { return await ctx.tools.child({ n: input }) }`,
              input: i,
              timeoutMs: 5_000,
              tools: ["child"],
            },
            {
              tenant: "org:one",
              onStart: (started) => (job = started),
              onLog: () => {},
              hostCall: async (_kind, _name, args) => {
                const result = await small.run(
                  { code: "return input.n * 10", input: args, timeoutMs: 1_000, tools: [], mode: "expression" },
                  { ...noHost, parent: job },
                );
                if (!result.ok) throw new Error(result.error.message);
                return result.output;
              },
            },
          );
        }),
      );
      expect(results).toEqual(Array.from({ length: 8 }, (_, i) => ({ ok: true, output: i * 10 })));
    } finally {
      await small.close();
    }
  });

  test("nested jobs die with their parent: none is left running once the parent has ended", async () => {
    const single = new SandboxPool(1, 2, 1);
    try {
      let job: SandboxJob | undefined;
      const children: Promise<unknown>[] = [];
      const parent = await single.run(
        {
          code: `async function handler(input, ctx) { for (let i = 0; i < 20; i++) ctx.tools.child({}).catch(() => {}); return "parent done" }`,
          input: null,
          timeoutMs: 2_000,
          tools: ["child"],
        },
        {
          tenant: "a",
          onStart: (started) => (job = started),
          onLog: () => {},
          hostCall: async () => {
            children.push(
              single.run(
                { code: "for (;;) {}", input: null, timeoutMs: 10_000, tools: [], mode: "expression" },
                { ...noHost, parent: job },
              ),
            );
            return null;
          },
        },
      );
      expect(parent).toEqual({ ok: true, output: "parent done" });
      const started = performance.now();
      const ended = await Promise.all(children);
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(ended.every((r) => (r as { ok: boolean }).ok === false)).toBe(true);
      // The pool's only computing turn is free again.
      expect(
        await single.run({ code: quick, input: 3, timeoutMs: 1_000, tools: [] }, { ...noHost, tenant: "b" }),
      ).toEqual({ ok: true, output: 3 });
    } finally {
      await single.close();
    }
  });

  test("a worker crash fails only the job in that worker", async () => {
    const two = new SandboxPool(2, 2, 2);
    try {
      await two.warm();
      const slow = (tenant: string) =>
        two.run(
          {
            code: `async function handler() { const end = Date.now() + 300; while (Date.now() < end) {} return "${tenant}" }`,
            input: null,
            timeoutMs: 2_000,
            tools: [],
          },
          { ...noHost, tenant },
        );
      const [a, b] = [slow("a"), slow("b")];
      await new Promise((r) => setTimeout(r, 100));
      const workers = (
        two as unknown as { workers: { worker: { terminate(): Promise<number> }; jobs: Map<number, unknown> }[] }
      ).workers;
      const crashed = workers.find((w) => w.jobs.size > 0)!;
      await crashed.worker.terminate();
      const results = await Promise.all([a, b]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok && /stopped unexpectedly/.test(r.error.message))).toHaveLength(1);
    } finally {
      await two.close();
    }
  });
});

test("a worker that has answered takes the next run before its answer is read, and a crash then fails only the new run", async () => {
  const single = new SandboxPool(1, 1, 1);
  type Internals = {
    workers: { finished: Int32Array; jobs: Map<number, unknown> }[];
    replace(entry: unknown, reason: string): void;
  };
  try {
    await single.warm();
    const first = single.run(
      { code: `async function handler() { return "first" }`, input: null, timeoutMs: 2_000, tools: [] },
      { ...noHost, tenant: "a" },
    );
    for (let i = 0; i < 20; i++) await null; // microtasks only: no message from the worker is read
    const internals = single as unknown as Internals;
    const entry = internals.workers[0]!;
    const deadline = Date.now() + 10_000;
    while (Atomics.load(entry.finished, 0) === 0 && Date.now() < deadline) {
      // busy, as a loaded request thread is: the answer waits unread
    }
    const second = single.run(
      { code: `async function handler() { for (;;) {} }`, input: null, timeoutMs: 2_000, tools: [] },
      { ...noHost, tenant: "b" },
    );
    for (let i = 0; i < 20; i++) await null;
    // The only worker already holds the second run, with the first one's answer still unread.
    expect(entry.jobs.size).toBe(2);
    internals.replace(entry, "a simulated crash");
    expect(await first).toEqual({ ok: true, output: "first" });
    expect(await second).toMatchObject({
      ok: false,
      error: { code: "code_error", message: expect.stringMatching(/a simulated crash/) },
    });
  } finally {
    await single.close();
  }
});

// Thread priorities are per thread only on Linux; raising one back needs the privilege tests run with here.
test.runIf(process.platform === "linux")(
  "a job that keeps computing drops to the lowest CPU priority; the worker's next job starts at its own",
  async () => {
    const single = new SandboxPool(1, 1, 1);
    try {
      const threads = await threadsStartedBy(() => single.warm());
      const during = single.run(
        {
          code: `async function handler() { const end = Date.now() + 400; while (Date.now() < end) {} return 1 }`,
          input: null,
          timeoutMs: 2_000,
          tools: [],
        },
        noHost,
      );
      await new Promise((r) => setTimeout(r, 250));
      const nices = threads.map((t) => niceOf(t.task));
      expect(nices).toContain(19);
      expect(await during).toEqual({ ok: true, output: 1 });
      await single.run(
        { code: `async function handler() { return 1 }`, input: null, timeoutMs: 1_000, tools: [] },
        noHost,
      );
      expect(threads.map((t) => niceOf(t.task))).not.toContain(19);
    } finally {
      await single.close();
    }
  },
);
