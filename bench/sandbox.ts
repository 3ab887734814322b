/**
 * Sandbox benchmark: the cost of one fresh QuickJS sandbox run (new runtime + context,
 * ctx built from the host, compile, run, dispose) against a warm-context baseline (the same handler
 * evaluated in a context that is reused), measured in the same process, same run.
 * Also reports the round trip through the worker pool the app uses, and the pool's
 * throughput under 16 concurrent jobs: with at most two jobs per CPU running code (the
 * app's setting) and one per CPU, against letting all 8 workers run at once, in the same
 * run. Here the caller does nothing but wait, so the workers are never short of work;
 * in the server they wait on the busy request thread between jobs, which is why the app
 * allows two per CPU (see SandboxPool and bench/api).
 *
 *   npm run bench:sandbox            (ITERATIONS=5000 to change the sample size)
 */
import { availableParallelism } from "node:os";
import { getQuickJS } from "quickjs-emscripten";
import { runInQuickJS } from "../lib/agents/runtime/sandbox-core";
import { SandboxPool } from "../lib/agents/runtime/sandbox";

const ITERATIONS = Number(process.env.ITERATIONS ?? 3000);
const WARMUP = 300;
const code = `async function handler(input, ctx) { let s = 0; for (const n of input.values) s += n; return { sum: s, count: input.values.length }; }`;
const input = { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] };

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function measure(name: string, fn: () => Promise<unknown> | unknown) {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { name, p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) };
}

const QuickJS = await getQuickJS();

// Baseline: one runtime and context kept warm; each iteration evaluates the handler call.
const warmRuntime = QuickJS.newRuntime();
const warmContext = warmRuntime.newContext();
const warmCall = `${code}; JSON.stringify((() => { let r; handler(${JSON.stringify(input)}, {}).then((v) => (r = v)); return r; })())`;
const warm = await measure("warm context (baseline)", () => {
  const result = warmContext.evalCode(warmCall);
  if (result.error) throw new Error(String(warmContext.dump(result.error)));
  warmRuntime.executePendingJobs();
  result.value.dispose();
});

const fresh = await measure("fresh sandbox run", async () => {
  const result = await runInQuickJS(
    QuickJS,
    { code, input, timeoutMs: 1_000, tools: [] },
    async () => null,
    () => {},
  );
  if (!result.ok) throw new Error(result.error.message);
});

const pool = new SandboxPool(1, 1);
await pool.warm();
const pooled = await measure("fresh run via worker pool", async () => {
  const result = await pool.run(
    { code, input, timeoutMs: 1_000, tools: [] },
    { hostCall: async () => null, onLog: () => {} },
  );
  if (!result.ok) throw new Error(result.error.message);
});
await pool.close();

/** Runs per second and CPU per run of `pool` with CONCURRENT callers, median of 3 rounds. */
async function throughput(pool: SandboxPool) {
  await pool.warm();
  const rounds: { rps: number; cpuMs: number }[] = [];
  for (let round = 0; round < 4; round++) {
    let left = ITERATIONS;
    const started = performance.now();
    const cpu = process.cpuUsage();
    await Promise.all(
      Array.from({ length: CONCURRENT }, async () => {
        while (left-- > 0) {
          const result = await pool.run(
            { code, input, timeoutMs: 1_000, tools: [] },
            { hostCall: async () => null, onLog: () => {} },
          );
          if (!result.ok) throw new Error(result.error.message);
        }
      }),
    );
    const used = process.cpuUsage(cpu);
    if (round > 0)
      rounds.push({
        rps: ITERATIONS / ((performance.now() - started) / 1000),
        cpuMs: (used.user + used.system) / 1000 / ITERATIONS,
      });
  }
  await pool.close();
  rounds.sort((a, b) => a.rps - b.rps);
  return rounds[1]!;
}
const CONCURRENT = 16;
const allAtOnce = await throughput(new SandboxPool(8, 8, 8));
const perCpu = await throughput(new SandboxPool(8, 8, availableParallelism()));
const twoPerCpu = await throughput(new SandboxPool(8, 8));
warmContext.dispose();
warmRuntime.dispose();

const fmt = (ms: number) => `${ms.toFixed(3)} ms`;
console.log(`sandbox benchmark: ${ITERATIONS} iterations after ${WARMUP} warm-up, node ${process.version}`);
console.log("case                          p50         p99         p50 / baseline");
for (const r of [warm, fresh, pooled]) {
  console.log(`${r.name.padEnd(30)}${fmt(r.p50).padEnd(12)}${fmt(r.p99).padEnd(12)}${(r.p50 / warm.p50).toFixed(1)}x`);
}
console.log(
  `\nworker pool, ${CONCURRENT} concurrent callers, 8 workers, ${availableParallelism()} CPUs (median of 3 rounds of ${ITERATIONS} runs)`,
);
console.log(
  `  all 8 run code at once (baseline):  ${allAtOnce.rps.toFixed(0).padStart(6)} runs/s  ${allAtOnce.cpuMs.toFixed(2)} ms CPU per run`,
);
console.log(
  `  one per CPU runs code:              ${perCpu.rps.toFixed(0).padStart(6)} runs/s  ${perCpu.cpuMs.toFixed(2)} ms CPU per run  (${(perCpu.rps / allAtOnce.rps).toFixed(1)}x)`,
);
console.log(
  `  two per CPU run code (the app's):   ${twoPerCpu.rps.toFixed(0).padStart(6)} runs/s  ${twoPerCpu.cpuMs.toFixed(2)} ms CPU per run  (${(twoPerCpu.rps / allAtOnce.rps).toFixed(1)}x)`,
);
const target = 1;
console.log(
  `target: fresh sandbox run p50 <= ${target} ms → ${fresh.p50 <= target ? "met" : "NOT met"} (${fmt(fresh.p50)})`,
);
console.log("reproduce: npm run bench:sandbox");
