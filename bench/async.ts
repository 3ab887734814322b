/**
 * Async runs benchmark, on Postgres (the product's multi-instance setup):
 *
 * 1. Acceptance: 32 concurrent clients POST runs with `Prefer: respond-async` to one app
 *    instance for SECONDS (no workers, so only acceptance is measured: key, rate limit,
 *    validation, the credit and row, the queue job); accepted runs per second and p50/p95
 *    time to `202`, beside the same clients on the bare API index (GET /api/v1) in the same
 *    run as the baseline.
 * 2. Scale-out: RUNS runs of a model agent whose model is a slow local stub (OpenAI-compatible,
 *    STUB_DELAY_MS between streamed words: the work waits, it does not compute) accepted
 *    through the app instances and run by `npm run worker` processes (RUN_WORKERS each);
 *    end-to-end runs per second from the first acceptance to the last recorded end, for one
 *    app instance + one worker and for two of each, in the same run, rounds alternating.
 *
 *   npm run bench:async     (SECONDS=5 CONCURRENCY=32 RUNS=300 RUN_WORKERS=8 STUB_DELAY_MS=150 ROUNDS=2)
 *
 * Needs the machine's Postgres (TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test)
 * and a production build (made if stale). Results: docs/performance.md.
 */
import nextEnv from "@next/env";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { buildIfNeeded } from "../scripts/build-if-needed";
import { startOpenAiStub } from "../e2e/fixtures/openai-stub";
import { Connection, requestBytes } from "./http-client";
import { median, quantile, startServer, stopServer } from "./server";

nextEnv.loadEnvConfig(process.cwd());
const { openDb } = await import("../db/client");
const { runMigrations } = await import("../db/migrate");
const { seedMeteredAgent } = await import("./seed");

const SECONDS = Number(process.env.SECONDS ?? 5);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const RUNS = Number(process.env.RUNS ?? 300);
const RUN_WORKERS = Number(process.env.RUN_WORKERS ?? 8);
const STUB_DELAY_MS = Number(process.env.STUB_DELAY_MS ?? 150);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const POSTGRES = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const BASE_PORT = 3400 + Math.floor(Math.random() * 400);
const STUB_PORT = BASE_PORT + 50;

const admin = new pg.Client({ connectionString: POSTGRES, connectionTimeoutMillis: 1500 });
try {
  await admin.connect();
} catch {
  console.error(`bench:async needs Postgres (${POSTGRES}); none answered.`);
  process.exit(1);
}
const dbName = `ainomads_bench_async_${randomBytes(4).toString("hex")}`;
await admin.query(`create database ${dbName}`);
const url = new URL(POSTGRES);
url.pathname = `/${dbName}`;
const DATABASE_URL = url.toString();

const children: ChildProcess[] = [];
async function cleanup() {
  await Promise.all(children.map((c) => (c.exitCode === null ? stopServer(c) : undefined)));
  await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => {});
  await admin.end();
}

try {
  buildIfNeeded();
  const handle = await openDb({ url: DATABASE_URL });
  await runMigrations(handle);
  const code = await seedMeteredAgent(handle.db, "bench-async-code");
  const model = await seedMeteredAgent(handle.db, "bench-async-model", {
    model: { provider: "openai", id: "stub-model" },
    systemPrompt: "Answer briefly.",
    inputSchema: { type: "object" },
  });
  const stub = await startOpenAiStub(STUB_PORT, STUB_DELAY_MS);

  const appEnv = {
    DATABASE_URL,
    RUN_WORKERS: "0",
    WEBHOOK_WORKERS: "0",
    OPENAI_BASE_URL: `http://127.0.0.1:${STUB_PORT}/v1`,
    OPENAI_API_KEY: "bench-stub-key",
    OPENAI_MODELS: "stub-model",
  };

  // 1. Acceptance against the bare baseline, one instance, no workers.
  const app = await startServer(BASE_PORT, appEnv);
  children.push(app);
  const body = JSON.stringify({ input: { n: 2 } });
  const accept = (port: number, slug: string, secret: string, payload = body) =>
    requestBytes(
      "POST",
      `/api/v1/agents/${slug}/runs`,
      `127.0.0.1:${port}`,
      { authorization: `Bearer ${secret}`, "content-type": "application/json", prefer: "respond-async" },
      payload,
    );
  const index = requestBytes("GET", "/api/v1", `127.0.0.1:${BASE_PORT}`);
  await load(BASE_PORT, () => index, 2); // warm-up
  await load(BASE_PORT, () => accept(BASE_PORT, code.slug, code.secret), 2, 202);
  const acceptance = { baseline: [] as Measured[], accepted: [] as Measured[] };
  for (let round = 0; round < ROUNDS; round++) {
    acceptance.baseline.push(await load(BASE_PORT, () => index, SECONDS));
    acceptance.accepted.push(await load(BASE_PORT, () => accept(BASE_PORT, code.slug, code.secret), SECONDS, 202));
  }
  await stopServer(app);
  children.length = 0;
  // The code runs accepted above stay queued; nothing runs them. Clear them out of the way.
  await handle.executeSql("delete from pgboss.job where name = 'runs'", []);

  // 2. Scale-out: 1 app + 1 worker against 2 + 2, rounds alternating.
  const scale = { one: [] as number[], two: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const n of [1, 2] as const) {
      const ports = Array.from({ length: n }, (_, i) => BASE_PORT + 1 + i);
      const started = await Promise.all([
        ...ports.map((port) => startServer(port, appEnv)),
        ...Array.from({ length: n }, () => startWorker({ ...appEnv, RUN_WORKERS: String(RUN_WORKERS) })),
      ]);
      children.push(...started);
      const runsPerSecond = await throughput(handle.db, ports, model);
      (n === 1 ? scale.one : scale.two).push(runsPerSecond);
      await Promise.all(started.map(stopServer));
      children.length = 0;
    }
  }
  stub.close();
  await handle.close();

  const p = (xs: Measured[], f: (m: Measured) => number) => median(xs.map(f));
  console.log(
    `\nbench:async on Postgres, ${CONCURRENCY} concurrent clients, ${SECONDS} s × ${ROUNDS} rounds (medians)`,
  );
  console.log(
    `  baseline GET /api/v1          ${p(acceptance.baseline, (m) => m.perSecond).toFixed(0)} req/s  p50 ${p(acceptance.baseline, (m) => m.p50).toFixed(1)} ms  p95 ${p(acceptance.baseline, (m) => m.p95).toFixed(1)} ms`,
  );
  console.log(
    `  POST runs, respond-async      ${p(acceptance.accepted, (m) => m.perSecond).toFixed(0)} accepted/s  p50 ${p(acceptance.accepted, (m) => m.p50).toFixed(1)} ms  p95 ${p(acceptance.accepted, (m) => m.p95).toFixed(1)} ms  (target p95 ≤ 100 ms)`,
  );
  const [one, two] = [median(scale.one), median(scale.two)];
  console.log(
    `\n  ${RUNS} model runs (stub: ${STUB_DELAY_MS} ms between 5 words), ${RUN_WORKERS} run workers per worker process`,
  );
  console.log(
    `  1 app + 1 worker   ${one.toFixed(1)} runs/s   (rounds: ${scale.one.map((x) => x.toFixed(1)).join(", ")})`,
  );
  console.log(
    `  2 apps + 2 workers ${two.toFixed(1)} runs/s   (rounds: ${scale.two.map((x) => x.toFixed(1)).join(", ")})`,
  );
  console.log(`  ratio ${(two / one).toFixed(2)}×  (target ≥ 1.6×)`);
  console.log(`\nReproduce: npm run bench:async`);
} finally {
  await cleanup();
}

type Measured = { perSecond: number; p50: number; p95: number };

/** CONCURRENCY keep-alive clients sending `request()` for `seconds`; latency of each answer with `status`. */
async function load(port: number, request: () => Buffer, seconds: number, status = 200): Promise<Measured> {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  let wrong = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      const connection = new Connection(port);
      try {
        while (performance.now() < end) {
          const t = performance.now();
          const reply = await connection.send(request());
          if (reply.status === status) latencies.push(performance.now() - t);
          else wrong++;
        }
      } finally {
        connection.close();
      }
    }),
  );
  if (wrong) console.warn(`  (${wrong} answers were not ${status})`);
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / seconds, p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95) };
}

/** RUNS model runs accepted round-robin through the app ports; runs per second until the last one ended. */
async function throughput(
  db: Awaited<ReturnType<typeof openDb>>["db"],
  ports: number[],
  agent: { slug: string; secret: string; orgId: string },
): Promise<number> {
  const { sql } = await import("drizzle-orm");
  const ended = async () => {
    const result = await db.execute(
      sql`select count(*)::int as n from executions where org_id = ${agent.orgId} and status <> 'running'`,
    );
    return Number((result as unknown as { rows: { n: number }[] }).rows[0]!.n);
  };
  const before = await ended();
  const payload = JSON.stringify({ input: { question: "hi" } });
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    ports.flatMap((port) =>
      Array.from({ length: 8 }, async () => {
        const connection = new Connection(port);
        try {
          while (next < RUNS) {
            next++;
            const reply = await connection.send(
              requestBytes(
                "POST",
                `/api/v1/agents/${agent.slug}/runs`,
                `127.0.0.1:${port}`,
                {
                  authorization: `Bearer ${agent.secret}`,
                  "content-type": "application/json",
                  prefer: "respond-async",
                },
                payload,
              ),
            );
            if (reply.status !== 202) throw new Error(`accept answered ${reply.status}: ${reply.body.toString()}`);
          }
        } finally {
          connection.close();
        }
      }),
    ),
  );
  while ((await ended()) - before < RUNS) await new Promise((r) => setTimeout(r, 50));
  const seconds = (performance.now() - t0) / 1000;
  const failed = await db.execute(
    sql`select count(*)::int as n from executions where org_id = ${agent.orgId} and status <> 'succeeded' and status <> 'running'`,
  );
  const n = Number((failed as unknown as { rows: { n: number }[] }).rows[0]!.n);
  if (n) throw new Error(`${n} model runs did not succeed`);
  return RUNS / seconds;
}

/** `npm run worker` with `env`, resolved once it reports its workers running. */
function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/worker.ts"], {
    env: { ...process.env, ...env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("worker(s)") && out.includes("running")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`the worker exited (${code}): ${out}`)));
  });
}
