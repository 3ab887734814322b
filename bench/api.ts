/**
 * API benchmark: throughput and latency of authenticated, metered runs of a trivial code
 * agent (POST /api/v1/agents/{slug}/runs: the key checked and counted, body and input
 * validated, start_runs takes the credit and inserts the row, a fresh sandbox run,
 * finish_runs records the end; each statement batched with concurrent requests) against a
 * bare route handler returning JSON (GET /api/v1, the API index: no auth, no database),
 * measured in the same run against the same production server (`next start`), on PGlite
 * and, when reachable, on Postgres. After a warm-up of WARMUP requests per side (V8 and
 * each worker thread optimise with use), rounds alternate baseline and metered; medians
 * are reported. 32 concurrent clients, where both sides are saturated. The load client
 * (bench/http-client.ts) is kept light because it shares the two cores with the server.
 * On Linux each side also reports where its CPU went per request (medians of the rounds,
 * from /proc): the server's request thread, its other threads, Postgres, the load generator.
 * Results and their history: docs/performance.md.
 *
 *   npm run bench:api               (SECONDS=5 CONCURRENCY=32 ROUNDS=3 WARMUP=20000 to change;
 *                                    BACKENDS=pglite or postgres for one side;
 *                                    CPU_PROF_DIR=dir for V8 CPU profiles of the server)
 */
import nextEnv from "@next/env";
import { gunzipSync } from "node:zlib";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { buildIfNeeded } from "../scripts/build-if-needed";
import { Connection, requestBytes, type Reply } from "./http-client";
import { median, quantile, startServer, stopServer } from "./server";

nextEnv.loadEnvConfig(process.cwd());
const { openDb } = await import("../db/client");
const { runMigrations } = await import("../db/migrate");
const { seedMeteredAgent } = await import("./seed");

const SECONDS = Number(process.env.SECONDS ?? 5);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const WARMUP = Number(process.env.WARMUP ?? 20_000);
const PORT = 3400 + Math.floor(Math.random() * 500);
const POSTGRES = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

type Backend = {
  name: string;
  env: Record<string, string>;
  open: () => ReturnType<typeof openDb>;
  cleanup: () => Promise<void>;
};

async function postgresBackend(): Promise<Backend | null> {
  const admin = new pg.Client({ connectionString: POSTGRES, connectionTimeoutMillis: 1500 });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  const name = `ainomads_bench_${randomBytes(4).toString("hex")}`;
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES);
  url.pathname = `/${name}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), "bench-api-pg-"));
  return {
    name: "postgres",
    env: { DATABASE_URL: url.toString(), DATA_DIR: dataDir },
    open: () => openDb({ url: url.toString() }),
    async cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: POSTGRES });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
      await c.end();
    },
  };
}

function pgliteBackend(): Backend {
  const dataDir = mkdtempSync(path.join(tmpdir(), "bench-api-pglite-"));
  return {
    name: "pglite",
    env: { DATA_DIR: dataDir },
    open: () => openDb({ dataDir }),
    async cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The benchmark's agent, organisation and key (bench/seed.ts), in a migrated database. */
async function seed(backend: Backend): Promise<{ slug: string; secret: string }> {
  const handle = await backend.open();
  try {
    await runMigrations(handle);
    return await seedMeteredAgent(handle.db, "bench-doubler");
  } finally {
    await handle.close();
  }
}

const json = (reply: Reply) => {
  const body = reply.headers.get("content-encoding") === "gzip" ? gunzipSync(reply.body) : reply.body;
  return JSON.parse(body.toString("utf8")) as Record<string, unknown>;
};

/**
 * CONCURRENCY clients, each on its own connection, sending requests for `seconds` (or,
 * with `count`, until that many were sent); every response must have `expectStatus`.
 */
async function load(
  connections: Connection[],
  seconds: number,
  request: () => Buffer,
  expectStatus: number,
  count = Infinity,
) {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  let failures = 0;
  let sent = 0;
  await Promise.all(
    connections.map(async (connection) => {
      while (performance.now() < deadline && sent++ < count) {
        const t = performance.now();
        const response = await connection.send(request());
        if (response.status !== expectStatus) failures++;
        latencies.push(performance.now() - t);
      }
    }),
  );
  if (failures) throw new Error(`${failures} responses did not have status ${expectStatus}`);
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    rps: latencies.length / seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
  };
}

type Cpu = { requestThread: number; otherThreads: number; database: number; loadGenerator: number };

/** CPU time (user + system, ms) of a /proc stat file, or 0 when it is gone. */
function cpuMs(statPath: string): number {
  try {
    const stat = readFileSync(statPath, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/**
 * Where the CPU goes (Linux, from /proc; null elsewhere): the server's request thread, its
 * other threads (sandbox and PGlite workers, V8's GC and compiler threads), the Postgres
 * server's processes, and this load generator.
 */
function cpuSnapshot(serverPid: number): Cpu | null {
  if (process.platform !== "linux") return null;
  const snapshot: Cpu = { requestThread: 0, otherThreads: 0, database: 0, loadGenerator: cpuMs("/proc/self/stat") };
  for (const tid of readdirSync(`/proc/${serverPid}/task`)) {
    const ms = cpuMs(`/proc/${serverPid}/task/${tid}/stat`);
    if (Number(tid) === serverPid) snapshot.requestThread += ms;
    else snapshot.otherThreads += ms;
  }
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    let comm = "";
    try {
      comm = readFileSync(`/proc/${pid}/comm`, "utf8");
    } catch {
      continue;
    }
    if (comm.startsWith("postgres")) snapshot.database += cpuMs(`/proc/${pid}/stat`);
  }
  return snapshot;
}

/** CPU per request (ms) between two snapshots. */
function cpuPerRequest(before: Cpu | null, after: Cpu | null, requests: number): Cpu | null {
  if (!before || !after || !requests) return null;
  const per = (key: keyof Cpu) => (after[key] - before[key]) / requests;
  return {
    requestThread: per("requestThread"),
    otherThreads: per("otherThreads"),
    database: per("database"),
    loadGenerator: per("loadGenerator"),
  };
}

function describeCpu(rounds: (Cpu | null)[]): string {
  const known = rounds.filter((r): r is Cpu => r !== null);
  if (!known.length) return "n/a (Linux only)";
  const at = (key: keyof Cpu) => median(known.map((r) => r[key])).toFixed(2);
  return `request thread ${at("requestThread")}, other server threads ${at("otherThreads")}, Postgres ${at("database")}, load generator ${at("loadGenerator")}`;
}

buildIfNeeded();
// BACKENDS=pglite or BACKENDS=postgres runs one side only.
const only = process.env.BACKENDS;
const postgres = only === "pglite" ? null : await postgresBackend();
const backends = [...(only === "postgres" ? [] : [pgliteBackend()]), ...(postgres ? [postgres] : [])];
console.log(
  `API benchmark: ${WARMUP} warm-up requests, then ${SECONDS} s × ${ROUNDS} rounds per side, ${CONCURRENCY} concurrent clients, next start on 127.0.0.1:${PORT}\n`,
);
const rows: string[] = [];
for (const backend of backends) {
  const { slug, secret } = await seed(backend);
  const server = await startServer(PORT, backend.env);
  // Open keep-alive connections would hold up the server's graceful shutdown.
  const connections = Array.from({ length: CONCURRENCY }, () => new Connection(PORT));
  try {
    let n = 0;
    const host = `127.0.0.1:${PORT}`;
    // Asking for gzip, as fetch does (responses under 1 KB are sent uncompressed).
    const acceptGzip = { "accept-encoding": "gzip, deflate" };
    const indexRequest = requestBytes("GET", "/api/v1", host, acceptGzip);
    const bare = () => indexRequest;
    const runPath = `/api/v1/agents/${slug}/runs`;
    const runHeaders = { ...acceptGzip, authorization: `Bearer ${secret}`, "content-type": "application/json" };
    const metered = () => requestBytes("POST", runPath, host, runHeaders, JSON.stringify({ input: { n: n++ } }));
    // What is measured is what it claims: the index, and a run that really ran.
    const index = json(await connections[0]!.send(bare()));
    const run = json(await connections[0]!.send(metered()));
    if (
      index.name !== "AI Nomads API" ||
      run.status !== "succeeded" ||
      (run.output as { doubled?: number })?.doubled !== (n - 1) * 2
    ) {
      throw new Error(`unexpected responses: ${JSON.stringify({ index, run })}`);
    }
    // Warm-up by request count, not time: V8 optimises a function only after it has run
    // many times, and a metered request runs far more of them than the bare one, so a few
    // seconds each would leave the metered side half-optimised. What is measured is the
    // server's steady state. 5000 requests were not enough: after them the metered rounds
    // still climbed for a minute (PGlite, 7 rounds: 744, 841, 818, 771, 908, 938, 972 req/s,
    // bare flat at 1529–1758); after 20,000 they were flat (905–1016). The metered side
    // runs code that only warms with use in every thread it touches: each sandbox worker
    // (its own V8 and QuickJS) and the database's.
    const sides = { bare: { request: bare, status: 200 }, metered: { request: metered, status: 201 } };
    for (const { request, status } of Object.values(sides)) await load(connections, Infinity, request, status, WARMUP);
    const results = {
      bare: [] as Awaited<ReturnType<typeof load>>[],
      metered: [] as Awaited<ReturnType<typeof load>>[],
    };
    const cpu = { bare: [] as (Cpu | null)[], metered: [] as (Cpu | null)[] };
    const measure = async (side: keyof typeof sides) => {
      const before = cpuSnapshot(server.pid!);
      const result = await load(connections, SECONDS, sides[side].request, sides[side].status);
      cpu[side].push(cpuPerRequest(before, cpuSnapshot(server.pid!), result.requests));
      results[side].push(result);
    };
    for (let round = 0; round < ROUNDS; round++) {
      await measure("bare");
      await measure("metered");
    }
    const summary = (rounds: Awaited<ReturnType<typeof load>>[]) => ({
      rps: median(rounds.map((r) => r.rps)),
      p50: median(rounds.map((r) => r.p50)),
      p99: median(rounds.map((r) => r.p99)),
    });
    const b = summary(results.bare);
    const m = summary(results.metered);
    rows.push(
      `${backend.name.padEnd(9)} bare: ${b.rps.toFixed(0).padStart(6)} req/s  p50 ${b.p50.toFixed(1).padStart(6)} ms  p99 ${b.p99.toFixed(1).padStart(6)} ms\n` +
        `${"".padEnd(9)} metered: ${m.rps.toFixed(0).padStart(3)} req/s  p50 ${m.p50.toFixed(1).padStart(6)} ms  p99 ${m.p99.toFixed(1).padStart(6)} ms\n` +
        `${"".padEnd(9)} metered / bare throughput: ${((m.rps / b.rps) * 100).toFixed(0)} % (target ≥ 50 %)\n` +
        `${"".padEnd(9)} rounds (req/s), bare: ${results.bare.map((r) => r.rps.toFixed(0)).join(", ")}; metered: ${results.metered.map((r) => r.rps.toFixed(0)).join(", ")}\n` +
        `${"".padEnd(9)} CPU ms per request, bare:    ${describeCpu(cpu.bare)}\n` +
        `${"".padEnd(9)} CPU ms per request, metered: ${describeCpu(cpu.metered)}`,
    );
    console.log(rows.at(-1));
  } finally {
    for (const connection of connections) connection.close();
    await stopServer(server);
    await backend.cleanup();
  }
}
console.log("\nReproduce: npm run bench:api   (SECONDS, CONCURRENCY, ROUNDS, WARMUP, TEST_DATABASE_URL to change)");
