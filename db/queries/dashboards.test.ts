/**
 * Dashboard rollups on a real database: seeded runs with known numbers give exactly the
 * expected counts, percentiles and buckets (in a time zone with a daylight-saving change),
 * the same as the raw aggregate over executions; a rebuild reproduces what finish_runs
 * kept current; each scope sees only its own runs.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DbHandle } from "@/db/client";
import { testBackends } from "@/db/testing";
import { credits } from "@/db/schema";
import { orgWithKey, publishedAgent, doublerSpec } from "@/lib/api/fixtures.testing";
import { sql } from "drizzle-orm";
import { createUser } from "./users";
import { vacuumAnalyzeTables } from "./health";
import { num, rowsOf } from "./raw-rows";
import { createExecution } from "./executions.testing";
import { finishRuns } from "./runs";
import {
  errorCounts,
  latencySeries,
  rebuildRunRollups,
  rollUpQueuedRuns,
  runsByAgent,
  runsByApiKey,
  runsByOrganization,
  runSeries,
  type DashboardRange,
  type DashboardScope,
  type LatencyBucket,
} from "./dashboards";
import { rawErrorCounts, rawLatencySeries, rawRunSeries, snapshotRollups } from "./dashboards.testing";

// Europe/Berlin leaves summer time on 2026-10-25 at 03:00 (01:00 UTC): that day has 25 hours.
const BERLIN: DashboardRange = {
  from: new Date("2026-10-23T22:00:00Z"), // 2026-10-24 00:00 CEST
  to: new Date("2026-10-26T23:00:00Z"), // 2026-10-27 00:00 CET
  bucket: "day",
  timeZone: "Europe/Berlin",
};
const day = (iso: string) => new Date(iso).getTime();

describe.each(await testBackends())("dashboard rollups on $name", (backend) => {
  let handle: DbHandle;
  let creator: { id: string };
  let stranger: { id: string };
  let agent: Awaited<ReturnType<typeof publishedAgent>>;
  let other: Awaited<ReturnType<typeof publishedAgent>>;
  let buyer: Awaited<ReturnType<typeof orgWithKey>>;
  let rival: Awaited<ReturnType<typeof orgWithKey>>;

  /** A run through the product's own end (finish_runs), finished at `at` after `ms` milliseconds. */
  async function run(
    params: { agentId: string; versionId: string | null; orgId?: string; apiKeyId?: string; creditId?: string },
    at: string,
    ms: number,
    end: {
      status?: "succeeded" | "failed" | "timed_out";
      errorCode?: string;
      refund?: boolean;
      playground?: boolean;
    } = {},
  ) {
    const finishedAt = new Date(at);
    const row = await createExecution(handle.db, {
      agentId: params.agentId,
      versionId: params.versionId,
      source: end.playground ? "playground" : "api",
      orgId: params.orgId ?? null,
      apiKeyId: params.apiKeyId ?? null,
      creditId: params.creditId ?? null,
      input: {},
      inputHash: "h",
      startedAt: new Date(finishedAt.getTime() - ms),
      createdAt: new Date(finishedAt.getTime() - ms),
    });
    const status = end.status ?? "succeeded";
    await finishRuns(handle.db, [
      {
        id: row.id,
        status,
        output: null,
        outputHash: null,
        steps: [],
        errorCode: status === "succeeded" ? null : (end.errorCode ?? "AGENT_ERROR"),
        errorMessage: null,
        tokensIn: 0,
        tokensOut: 0,
        durationMs: ms,
        receiptHash: "r",
        finishedAt,
        refund: end.refund ?? false,
      },
    ]);
  }

  beforeAll(async () => {
    handle = await backend.open();
    creator = await createUser(handle.db, { email: `${randomUUID()}@example.com`, name: "C", passwordHash: null });
    stranger = await createUser(handle.db, {
      email: `${randomUUID()}@example.com`,
      name: "S",
      passwordHash: null,
    });
    agent = await publishedAgent(handle.db, creator.id, doublerSpec);
    other = await publishedAgent(handle.db, stranger.id, doublerSpec);
    buyer = await orgWithKey(handle.db, [agent.id]);
    rival = await orgWithKey(handle.db, [agent.id, other.id]);
    const [credit] = await handle.db
      .insert(credits)
      .values({ orgId: buyer.org.id, agentId: agent.id, granted: 100, used: 3 })
      .returning({ id: credits.id });
    const paid = { agentId: agent.id, versionId: agent.versionId, orgId: buyer.org.id, apiKeyId: buyer.key.id };

    // 2026-10-24 (Berlin): ten runs of 10, 20, …, 100 ms, the last at 23:30 CEST (21:30 UTC).
    for (let i = 1; i <= 10; i++) await run(paid, `2026-10-24T${String(8 + i).padStart(2, "0")}:00:00Z`, i * 10);
    await run(paid, "2026-10-24T21:30:00Z", 7, { status: "failed", errorCode: "AGENT_ERROR" });
    // 22:30 UTC on the 24th is 00:30 CEST on the 25th: the next day in Berlin, the same day in UTC.
    await run({ ...paid, creditId: credit!.id }, "2026-10-24T22:30:00Z", 300);
    await run({ ...paid, creditId: credit!.id }, "2026-10-25T01:30:00Z", 500, {
      status: "timed_out",
      errorCode: "TIMEOUT",
    });
    // A platform failure: its credit went back, so it used none.
    await run({ ...paid, creditId: credit!.id }, "2026-10-25T12:00:00Z", 40, {
      status: "failed",
      errorCode: "PROVIDER_NOT_CONFIGURED",
      refund: true,
    });
    // 23:30 UTC on the 25th is 00:30 CET on the 26th.
    await run(
      { agentId: agent.id, versionId: agent.versionId, orgId: rival.org.id, apiKeyId: rival.key.id },
      "2026-10-25T23:30:00Z",
      60,
    );
    // Not counted: the creator's playground run, and runs outside the range.
    await run({ agentId: agent.id, versionId: null }, "2026-10-25T10:00:00Z", 5, { playground: true });
    await run(paid, "2026-10-23T21:59:00Z", 1);
    await run(paid, "2026-10-26T23:00:00Z", 1);
    // Another creator's agent, bought by the rival organisation.
    await run(
      { agentId: other.id, versionId: other.versionId, orgId: rival.org.id, apiKeyId: rival.key.id },
      "2026-10-25T09:00:00Z",
      9,
    );

    // finish_runs queued the ended runs (not the playground one); nothing is rolled up yet.
    expect(await runSeries(handle.db, { kind: "creator", ownerId: creator.id }, BERLIN)).toEqual([]);
    const first = await rollUpQueuedRuns(handle.db, { maxRuns: 10 });
    const rest = await rollUpQueuedRuns(handle.db, { maxRuns: 1000 });
    expect(first.runs).toBe(10);
    expect(first.runs + rest.runs).toBe(18);
    // Who hears about them: the creators and the buying organisations of the runs.
    expect([...first.audiences, ...rest.audiences]).toEqual(
      expect.arrayContaining([
        { ownerId: creator.id, orgId: buyer.org.id },
        { ownerId: creator.id, orgId: rival.org.id },
        { ownerId: stranger.id, orgId: rival.org.id },
      ]),
    );
    // Which agents ran (the galaxy's pulses): both creators' agents, not the playground run alone.
    expect(new Set([...first.agentIds, ...rest.agentIds])).toEqual(new Set([agent.id, other.id]));
    expect(await rollUpQueuedRuns(handle.db, { maxRuns: 1000 })).toEqual({ runs: 0, audiences: [], agentIds: [] });
  });
  afterAll(() => handle?.close());

  test("runs per Berlin day across the daylight-saving change, by status and credits, as the raw aggregate", async () => {
    const scope: DashboardScope = { kind: "creator", ownerId: creator.id };
    const series = await runSeries(handle.db, scope, BERLIN);
    expect(series).toEqual([
      {
        bucket: new Date(day("2026-10-23T22:00:00Z")),
        runs: 11,
        succeeded: 10,
        failed: 1,
        timedOut: 0,
        creditsUsed: 0,
        durationMsSum: 557,
      },
      {
        // The 25-hour day: 00:00 CEST (22:00 UTC on the 24th) to 00:00 CET (23:00 UTC on the 25th).
        bucket: new Date(day("2026-10-24T22:00:00Z")),
        runs: 3,
        succeeded: 1,
        failed: 1,
        timedOut: 1,
        creditsUsed: 2,
        durationMsSum: 840,
      },
      {
        bucket: new Date(day("2026-10-25T23:00:00Z")),
        runs: 1,
        succeeded: 1,
        failed: 0,
        timedOut: 0,
        creditsUsed: 0,
        durationMsSum: 60,
      },
    ]);
    expect(series).toEqual(await rawRunSeries(handle.db, scope, BERLIN));
    // In UTC the late-evening runs fall on the earlier day.
    const utc = await runSeries(handle.db, scope, { ...BERLIN, timeZone: "UTC" });
    expect(utc.map((b) => [b.bucket.toISOString().slice(0, 10), b.runs])).toEqual([
      ["2026-10-24", 12],
      ["2026-10-25", 3],
    ]);
  });

  test("latency percentiles are exact (nearest rank) per bucket and over the range", async () => {
    const scope: DashboardScope = { kind: "creator", ownerId: creator.id };
    const perDay = await latencySeries(handle.db, scope, BERLIN);
    // Day one: 7, 10, 20, …, 100 ms (11 runs): the 6th is 50, the 11th is 100.
    expect(perDay[0]).toEqual({ bucket: new Date(day("2026-10-23T22:00:00Z")), runs: 11, p50: 50, p95: 100, p99: 100 });
    expect(perDay[1]).toMatchObject({ runs: 3, p50: 300, p95: 500, p99: 500 });
    expect(perDay).toEqual(await rawLatencySeries(handle.db, scope, BERLIN));
    const whole = await latencySeries(handle.db, scope, BERLIN, { whole: true });
    expect(whole).toEqual([{ bucket: null, runs: 15, p50: 60, p95: 500, p99: 500 }]);
    expect(whole).toEqual(await rawLatencySeries(handle.db, scope, BERLIN, { whole: true }));
    // Both from one scan: the same buckets, then the whole range.
    expect(await latencySeries(handle.db, scope, BERLIN, { andWhole: true })).toEqual([...perDay, ...whole]);
    // Merged in the database first, per bucket and over the range: the same.
    expect(await latencySeries(handle.db, scope, BERLIN, { andWhole: true, pairsSentAsStored: 0 })).toEqual([
      ...perDay,
      ...whole,
    ]);
    // Hourly buckets agree with the raw aggregate too.
    const hourly = { ...BERLIN, bucket: "hour" as const };
    expect(await latencySeries(handle.db, scope, hourly)).toEqual(await rawLatencySeries(handle.db, scope, hourly));
  });

  test("an hour's latency histogram adds up across roll-up passes, in every scope, as the raw aggregate", async () => {
    const third = await publishedAgent(handle.db, creator.id, doublerSpec);
    const paid = { agentId: third.id, versionId: third.versionId, orgId: buyer.org.id, apiKeyId: buyer.key.id };
    const range = {
      from: new Date("2026-11-10T00:00:00Z"),
      to: new Date("2026-11-11T00:00:00Z"),
      bucket: "day" as const,
      timeZone: "America/New_York",
    };
    // Two passes into one hour: 30 ms twice; then 30 and 5 ms again, and 90 ms bought by the rival.
    for (const ms of [30, 30]) await run(paid, "2026-11-10T10:15:00Z", ms);
    expect((await rollUpQueuedRuns(handle.db, { maxRuns: 1000 })).runs).toBe(2);
    for (const ms of [30, 5]) await run(paid, "2026-11-10T10:45:00Z", ms);
    await run({ ...paid, orgId: rival.org.id, apiKeyId: rival.key.id }, "2026-11-10T10:50:00Z", 90);
    expect((await rollUpQueuedRuns(handle.db, { maxRuns: 1000 })).runs).toBe(3);

    const row = (await snapshotRollups(handle.db)).agentLatencies.filter((r) => r.agent_id === third.id);
    expect(row).toMatchObject([{ latency_ms: "5,30,90", runs: "1,3,1" }]);
    const newYorkDay = new Date("2026-11-10T05:00:00Z");
    const scopes: [DashboardScope, LatencyBucket][] = [
      // 5, 30, 30, 30, 90: ranks 3, 5, 5.
      [
        { kind: "agent", agentId: third.id },
        { bucket: newYorkDay, runs: 5, p50: 30, p95: 90, p99: 90 },
      ],
      [
        { kind: "creator", ownerId: creator.id, agentId: third.id },
        { bucket: newYorkDay, runs: 5, p50: 30, p95: 90, p99: 90 },
      ],
      // The buyer's own four: 5, 30, 30, 30: ranks 2, 4, 4.
      [
        { kind: "buyer", orgId: buyer.org.id, agentId: third.id },
        { bucket: newYorkDay, runs: 4, p50: 30, p95: 30, p99: 30 },
      ],
    ];
    for (const [scope, expected] of scopes) {
      const series = await latencySeries(handle.db, scope, range, { andWhole: true });
      expect(series).toEqual([expected, { ...expected, bucket: null }]);
      expect(series.slice(0, 1)).toEqual(await rawLatencySeries(handle.db, scope, range));
      // Merged in the database first (what a range with many runs gets): the same numbers.
      expect(await latencySeries(handle.db, scope, range, { andWhole: true, pairsSentAsStored: 0 })).toEqual(series);
      expect(await latencySeries(handle.db, scope, range, { whole: true, pairsSentAsStored: 0 })).toEqual([
        { ...expected, bucket: null },
      ]);
    }
  });

  test("errors by code, runs per organisation, agent and key", async () => {
    const scope: DashboardScope = { kind: "creator", ownerId: creator.id };
    const errors = await errorCounts(handle.db, scope, BERLIN);
    expect(errors).toEqual([
      { errorCode: "AGENT_ERROR", runs: 1 },
      { errorCode: "PROVIDER_NOT_CONFIGURED", runs: 1 },
      { errorCode: "TIMEOUT", runs: 1 },
    ]);
    expect(errors).toEqual(await rawErrorCounts(handle.db, scope, BERLIN));
    expect(await runsByOrganization(handle.db, { kind: "creator", ownerId: creator.id }, BERLIN)).toEqual([
      { orgId: buyer.org.id, name: "Enterprise Co", runs: 14, creditsUsed: 2, failures: 3 },
      { orgId: rival.org.id, name: "Enterprise Co", runs: 1, creditsUsed: 0, failures: 0 },
    ]);
    // The rival organisation sees its runs of both creators' agents, per agent and per key.
    const rivalScope: DashboardScope = { kind: "buyer", orgId: rival.org.id };
    expect((await runsByAgent(handle.db, rivalScope, BERLIN)).map((a) => [a.agentId, a.runs]).sort()).toEqual(
      [
        [agent.id, 1],
        [other.id, 1],
      ].sort(),
    );
    expect(await runsByApiKey(handle.db, rivalScope, BERLIN)).toEqual([
      { apiKeyId: rival.key.id, name: "server", prefix: rival.key.prefix, runs: 2, creditsUsed: 0, failures: 0 },
    ]);
  });

  test("a scope sees only its own runs", async () => {
    const nobody = await createUser(handle.db, { email: `${randomUUID()}@example.com`, name: "N", passwordHash: null });
    expect(await runSeries(handle.db, { kind: "creator", ownerId: nobody.id }, BERLIN)).toEqual([]);
    // Naming another creator's agent in a creator scope does not reach it.
    expect(await runSeries(handle.db, { kind: "creator", ownerId: creator.id, agentId: other.id }, BERLIN)).toEqual([]);
    const buyerSeries = await runSeries(handle.db, { kind: "buyer", orgId: buyer.org.id }, BERLIN);
    expect(buyerSeries.reduce((n, b) => n + b.runs, 0)).toBe(14);
    expect(await runSeries(handle.db, { kind: "buyer", orgId: buyer.org.id, apiKeyId: rival.key.id }, BERLIN)).toEqual(
      [],
    );
  });

  test("the rebuild reproduces the rollups kept current from finished runs, exactly", async () => {
    const kept = await snapshotRollups(handle.db);
    expect(kept.runs.length).toBeGreaterThan(0);
    expect(kept.agentRuns.length).toBeGreaterThan(0);
    expect(await rebuildRunRollups(handle.db)).toBeGreaterThanOrEqual(17);
    expect(await snapshotRollups(handle.db)).toEqual(kept);
  });

  test("the maintenance pass (PGlite has no autovacuum) leaves the planner statistics of the rollups", async () => {
    const stats = async () =>
      num(
        rowsOf(
          await handle.db.execute(
            sql`select count(*) as n from pg_stats where schemaname = 'public' and tablename = 'agent_latency_rollups'`,
          ),
        )[0]?.n,
      );
    if (backend.name === "pglite") expect(await stats()).toBe(0);
    expect(await vacuumAnalyzeTables(handle.db)).toBeGreaterThan(30);
    expect(await stats()).toBeGreaterThan(0);
  });
});
