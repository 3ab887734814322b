/**
 * Dashboard benchmark: seeds EXECUTIONS finished API runs over 90 days across 200 agents
 * (20 creators with 10 each; the first agents are the busiest) and 50 organisations,
 * builds the rollups from them (the rebuild, timed), then times each dashboard query of a
 * 90-day creator dashboard and of a buying organisation's console, read from the rollups,
 * against the same aggregate computed by scanning executions, alternating, in the same
 * run, after the maintenance a running product does (autovacuum, or PGlite's hourly pass);
 * p50 and p95 of ROUNDS each. The creator measured is the busiest (about a fifth of
 * all runs), the worst case. On PGlite (a file database, as `npm start` uses) and, when
 * reachable, on Postgres. Results and their history: docs/performance.md.
 *
 *   npm run bench:dashboard     (EXECUTIONS=1000000 ROUNDS=15 BACKENDS=pglite|postgres to change)
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { median, quantile } from "./server";

const { openDb } = await import("../db/client");
const { runMigrations } = await import("../db/migrate");
const { createAgent, publishAgentVersion } = await import("../db/queries/agents");
const { createApiKey } = await import("../db/queries/api-keys");
const { createOrganization } = await import("../db/queries/organizations");
const { createUser } = await import("../db/queries/users");
const dashboards = await import("../db/queries/dashboards");
const { vacuumAnalyzeTables } = await import("../db/queries/health");
const raw = await import("../db/queries/dashboards.testing");
const { creatorDashboard } = await import("../lib/dashboards/data");

const EXECUTIONS = Number(process.env.EXECUTIONS ?? 1_000_000);
const ROUNDS = Number(process.env.ROUNDS ?? 15);
const BACKENDS = (process.env.BACKENDS ?? "pglite,postgres").split(",");
const POSTGRES = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const DAY = 86_400_000;
const HOUR = 3_600_000;

type Handle = Awaited<ReturnType<typeof openDb>>;
type Db = Handle["db"];

async function postgresHandle(): Promise<{ handle: Handle; cleanup: () => Promise<void> } | null> {
  const admin = new pg.Client({ connectionString: POSTGRES, connectionTimeoutMillis: 1500 });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  const name = `ainomads_dash_${randomBytes(4).toString("hex")}`;
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES);
  url.pathname = `/${name}`;
  const handle = await openDb({ url: url.toString() });
  return {
    handle,
    async cleanup() {
      await handle.close();
      const c = new pg.Client({ connectionString: POSTGRES });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
      await c.end();
    },
  };
}

async function pgliteHandle(): Promise<{ handle: Handle; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "bench-dashboard-"));
  const handle = await openDb({ dataDir });
  return {
    handle,
    async cleanup() {
      await handle.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function seed(db: Db, now: Date) {
  const creators = [];
  const agents: { id: string; versionId: string; ownerId: string }[] = [];
  for (let c = 0; c < 20; c++) {
    const user = await createUser(db, { email: `creator${c}@bench.example`, name: `Creator ${c}`, passwordHash: null });
    creators.push(user);
    for (let a = 0; a < 10; a++) {
      const agent = await createAgent(db, {
        ownerId: user.id,
        slug: `agent-${c}-${a}`,
        name: `Agent ${c}.${a}`,
        description: "",
        category: "data",
        tags: [],
      });
      const version = await db.transaction((tx) =>
        publishAgentVersion(tx, {
          agentId: agent.id,
          ownerId: user.id,
          spec: { code: "async function handler() { return {}; }", inputSchema: { type: "object" } },
          specHash: "bench",
          changelog: "",
          priceWei: "1000",
          payees: [],
        }),
      );
      agents.push({ id: agent.id, versionId: version!.id, ownerId: user.id });
    }
  }
  const orgs: { id: string; apiKeyId: string }[] = [];
  for (let o = 0; o < 50; o++) {
    const user = await createUser(db, { email: `buyer${o}@bench.example`, name: `Buyer ${o}`, passwordHash: null });
    const org = await db.transaction((tx) =>
      createOrganization(tx, { name: `Buyer ${o} Co`, slug: `buyer-${o}`, userId: user.id }),
    );
    const key = await createApiKey(db, {
      orgId: org.id,
      name: "server",
      prefix: `anm_live_${o}`,
      keyHash: randomBytes(32).toString("hex"),
      agentIds: agents.map((a) => a.id),
      rateLimitPerMinute: 1000,
      monthlyRunCap: null,
      pinnedVersionId: null,
      createdBy: user.id,
    });
    orgs.push({ id: org.id, apiKeyId: key.id });
  }
  const batch = 100_000;
  for (let done = 0; done < EXECUTIONS; done += batch) {
    await raw.insertBenchExecutions(db, { count: Math.min(batch, EXECUTIONS - done), days: 90, now, agents, orgs });
  }
  return { creator: creators[0]!, org: orgs[0]! };
}

type Timed = { name: string; rollup: () => Promise<unknown>; raw: () => Promise<unknown> };

async function timeAll(queries: Timed[]) {
  const times = new Map(queries.map((q) => [q.name, { rollup: [] as number[], raw: [] as number[] }]));
  // One warm-up of each, then rounds alternating the two sides.
  for (const q of queries) await Promise.all([q.rollup(), q.raw()]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of queries) {
      for (const side of round % 2 ? (["raw", "rollup"] as const) : (["rollup", "raw"] as const)) {
        const t = performance.now();
        await q[side]();
        times.get(q.name)![side].push(performance.now() - t);
      }
    }
  }
  return [...times].map(([name, t]) => {
    t.rollup.sort((a, b) => a - b);
    t.raw.sort((a, b) => a - b);
    return {
      name,
      rollup: { p50: median(t.rollup), p95: quantile(t.rollup, 0.95) },
      raw: { p50: median(t.raw), p95: quantile(t.raw, 0.95) },
    };
  });
}

const ms = (n: number) => `${n.toFixed(1).padStart(8)} ms`;

async function bench(name: string, open: () => Promise<{ handle: Handle; cleanup: () => Promise<void> } | null>) {
  const opened = await open();
  if (!opened) {
    console.log(`${name}: not reachable, skipped`);
    return;
  }
  const { handle, cleanup } = opened;
  try {
    await runMigrations(handle);
    const db = handle.db;
    const now = new Date(Math.floor(Date.now() / HOUR) * HOUR + HOUR);
    let t = performance.now();
    const { creator, org } = await seed(db, now);
    console.log(
      `${name}: seeded ${EXECUTIONS.toLocaleString("en")} executions in ${((performance.now() - t) / 1000).toFixed(0)} s`,
    );
    t = performance.now();
    const read = await dashboards.rebuildRunRollups(db);
    console.log(
      `${name}: rebuilt the rollups from ${read.toLocaleString("en")} executions in ${((performance.now() - t) / 1000).toFixed(0)} s`,
    );

    // The tables as a running product keeps them: Postgres' autovacuum, PGlite's hourly pass.
    t = performance.now();
    await vacuumAnalyzeTables(db);
    console.log(`${name}: vacuumed and analyzed in ${((performance.now() - t) / 1000).toFixed(0)} s`);

    const range = {
      from: new Date(now.getTime() - 90 * DAY),
      to: now,
      bucket: "week" as const,
      timeZone: "Europe/Berlin",
    };
    const previous = { ...range, from: new Date(range.from.getTime() - 90 * DAY), to: range.from };
    const creatorScope = { kind: "creator" as const, ownerId: creator.id };
    const orgScope = { kind: "buyer" as const, orgId: org.id };
    const agentIds = (await dashboards.runsByAgent(db, creatorScope, range)).length;
    const creatorRuns = (await dashboards.runSeries(db, creatorScope, range)).reduce((n, b) => n + b.runs, 0);
    console.log(
      `${name}: the creator measured has ${agentIds} agents and ${creatorRuns.toLocaleString("en")} runs in the 90 days`,
    );

    // The whole creator dashboard as the page reads it (lib/dashboards/data.ts), and the raw
    // equivalent: the same queries over executions, with the same revenue and ratings reads.
    const resolved = { ...range, preset: "90d" as const, previous };
    const creatorDashboardRollup = () => creatorDashboard(db, { ownerId: creator.id }, resolved);
    const creatorDashboardRaw = () =>
      Promise.all([
        raw.rawRunSeries(db, creatorScope, range),
        raw.rawRunSeries(db, creatorScope, previous),
        raw.rawLatencySeries(db, creatorScope, range),
        raw.rawLatencySeries(db, creatorScope, range, { whole: true }),
        raw.rawLatencySeries(db, creatorScope, previous, { whole: true }),
        raw.rawErrorCounts(db, creatorScope, range),
        raw.rawRunsByOrganization(db, creatorScope, range),
        raw.rawRunsByAgent(db, creatorScope, range),
        dashboards.revenueSeries(db, creatorScope, range),
        dashboards.ratingSummary(db, creatorScope, range),
      ]);
    const results = await timeAll([
      { name: "creator dashboard, 90 days (all queries)", rollup: creatorDashboardRollup, raw: creatorDashboardRaw },
      {
        name: "  runs per week by status",
        rollup: () => dashboards.runSeries(db, creatorScope, range),
        raw: () => raw.rawRunSeries(db, creatorScope, range),
      },
      {
        name: "  latency p50/p95/p99 per week",
        rollup: () => dashboards.latencySeries(db, creatorScope, range),
        raw: () => raw.rawLatencySeries(db, creatorScope, range),
      },
      {
        name: "  errors by code",
        rollup: () => dashboards.errorCounts(db, creatorScope, range),
        raw: () => raw.rawErrorCounts(db, creatorScope, range),
      },
      {
        name: "  runs per organisation",
        rollup: () => dashboards.runsByOrganization(db, creatorScope, range),
        raw: () => raw.rawRunsByOrganization(db, creatorScope, range),
      },
      {
        name: "buyer console, 90 days: runs per week",
        rollup: () => dashboards.runSeries(db, orgScope, range),
        raw: () => raw.rawRunSeries(db, orgScope, range),
      },
      {
        name: "buyer console, 90 days: latency per week",
        rollup: () => dashboards.latencySeries(db, orgScope, range),
        raw: () => raw.rawLatencySeries(db, orgScope, range),
      },
    ]);
    console.log(
      `\n${name}${" ".repeat(40 - name.length)}       rollups p50 / p95          raw p50 / p95      raw / rollups (p50)`,
    );
    for (const r of results) {
      console.log(
        `${r.name.padEnd(44)}${ms(r.rollup.p50)} /${ms(r.rollup.p95)}   ${ms(r.raw.p50)} /${ms(r.raw.p95)}   ${(r.raw.p50 / r.rollup.p50).toFixed(1).padStart(6)}×`,
      );
    }
    const whole = results[0]!;
    console.log(
      `\n${name}: 90-day creator dashboard p95 ${whole.rollup.p95.toFixed(0)} ms (target ≤ 300 ms), ` +
        `${(whole.raw.p50 / whole.rollup.p50).toFixed(1)}× faster than the raw aggregate (target ≥ 10×)`,
    );
  } finally {
    await cleanup();
  }
}

for (const backend of BACKENDS) {
  if (backend === "pglite") await bench("pglite", pgliteHandle);
  if (backend === "postgres") await bench("postgres", postgresHandle);
}
console.log(`\nReproduce: npm run bench:dashboard   (EXECUTIONS, ROUNDS, BACKENDS, TEST_DATABASE_URL to change)`);
