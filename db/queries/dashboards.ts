import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { num, rowsOf } from "./raw-rows";

/**
 * Dashboard data, read from the run rollups (db/functions/06_add_run_rollups.sql), never by
 * scanning executions. Every query takes a scope that is part of its SQL (a creator's own
 * agents, or one organisation's usage), so nothing outside it can be read, and a range
 * of whole UTC hours cut into buckets in the viewer's time zone (Postgres' `date_trunc`
 * with a zone, so days and weeks follow daylight-saving changes).
 */

export type Bucket = "hour" | "day" | "week";

/**
 * A creator's own agents (optionally one agent, or one version of it), one organisation's
 * usage, or one published agent's public totals (its page: counts and latency, no buyers).
 */
export type DashboardScope =
  | { kind: "creator"; ownerId: string; agentId?: string; versionId?: string }
  | { kind: "buyer"; orgId: string; agentId?: string; apiKeyId?: string }
  | { kind: "agent"; agentId: string };

export type DashboardRange = { from: Date; to: Date; bucket: Bucket; timeZone: string };

/** Stands for a missing version, organisation or key in the rollups. */
export const NONE_ID = "00000000-0000-0000-0000-000000000000";

/** The rollup rows in scope and range (`r` is the rollup table's alias). */
function inScope(scope: DashboardScope, range: DashboardRange, options: { apiKey?: boolean } = {}): SQL {
  const parts: SQL[] = [
    sql`r.hour >= ${range.from.toISOString()}::timestamptz`,
    sql`r.hour < ${range.to.toISOString()}::timestamptz`,
  ];
  if (scope.kind === "creator") {
    // An array, not `in (select …)`: the planner then reads the agents' index ranges instead
    // of scanning every creator's rows (and an empty range reads nothing).
    parts.push(sql`r.agent_id = any(array(select a.id from agents a where a.owner_id = ${scope.ownerId}))`);
    if (scope.versionId) parts.push(sql`r.version_id = ${scope.versionId}`);
  } else if (scope.kind === "buyer") {
    parts.push(sql`r.org_id = ${scope.orgId}`);
    // Only run_rollups has the key; the others are per organisation and agent.
    if (scope.apiKeyId && options.apiKey) parts.push(sql`r.api_key_id = ${scope.apiKeyId}`);
  }
  if (scope.agentId) parts.push(sql`r.agent_id = ${scope.agentId}`);
  return sql.join(parts, sql` and `);
}

/**
 * Each hour of the range with its bucket (`hb.hour`, `hb.bucket`): joined on the rollups'
 * hour, so the time-zone arithmetic runs once per hour of the range, not once per row.
 */
const hourBuckets = (range: DashboardRange) => sql`(
  select h as hour, date_trunc(${range.bucket}, h, ${range.timeZone}) as bucket
  from generate_series(${range.from.toISOString()}::timestamptz, ${range.to.toISOString()}::timestamptz - interval '1 hour', interval '1 hour') h
) hb`;

/** The rollup of runs a scope reads: per organisation and key for a buyer, summed over them otherwise. */
const runsTable = (scope: DashboardScope) => (scope.kind === "buyer" ? sql`run_rollups` : sql`agent_run_rollups`);

export type RunBucket = {
  bucket: Date;
  runs: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  creditsUsed: number;
  durationMsSum: number;
};

/** Runs per bucket by status, with credits used; buckets without runs are left out. */
export async function runSeries(db: Db, scope: DashboardScope, range: DashboardRange): Promise<RunBucket[]> {
  const result = await db.execute(sql`
    select hb.bucket, sum(r.runs)::float8 as runs, sum(r.succeeded)::float8 as succeeded,
      sum(r.failed)::float8 as failed, sum(r.timed_out)::float8 as timed_out,
      sum(r.credits_used)::float8 as credits_used, sum(r.duration_ms_sum)::float8 as duration_ms_sum
    from ${runsTable(scope)} r
    join ${hourBuckets(range)} on hb.hour = r.hour
    where ${inScope(scope, range, { apiKey: true })}
    group by 1
    order by 1`);
  return rowsOf(result).map((row) => ({
    bucket: new Date(row.bucket as string),
    runs: num(row.runs),
    succeeded: num(row.succeeded),
    failed: num(row.failed),
    timedOut: num(row.timed_out),
    creditsUsed: num(row.credits_used),
    durationMsSum: num(row.duration_ms_sum),
  }));
}

export type LatencyBucket = { bucket: Date | null; runs: number; p50: number; p95: number; p99: number };

/**
 * Above this many (latency, runs) pairs in a query's rows, each bucket's histogram is merged
 * in the database before it is sent (bounded by the bucket's distinct latencies, not by its
 * hours and agents); below it, sending the rows' lists as they are is faster.
 */
export const LATENCY_PAIRS_SENT_AS_STORED = 1_000_000;

/**
 * Exact latency percentiles (nearest rank, as Postgres' `percentile_disc`) per bucket, or
 * over the whole range with `whole`; `andWhole` returns both, the buckets then the whole
 * range as bucket null. Postgres sends each bucket's histogram (latencies and how many runs
 * took each, as two aligned lists) and the ranks are found here: sorting the few thousand
 * distinct latencies of a bucket beats a window over them in SQL (docs/performance.md).
 * A creator's or an agent's scope reads one row per agent-hour (agent_latency_rollups), an
 * organisation's the per-millisecond rows, which carry the organisation. Past
 * `pairsSentAsStored` pairs in range, the database merges each bucket's lists first, so the
 * memory a dashboard takes here does not grow with a creator's runs.
 */
export async function latencySeries(
  db: Db,
  scope: DashboardScope,
  range: DashboardRange,
  options: { whole?: boolean; andWhole?: boolean; pairsSentAsStored?: number } = {},
): Promise<LatencyBucket[]> {
  const perOrganization = scope.kind === "buyer";
  const table = perOrganization ? sql`run_latency_rollups` : sql`agent_latency_rollups`;
  const bucket = options.whole ? sql`null::timestamptz` : sql`hb.bucket`;
  const join = options.whole ? sql`` : sql`join ${hourBuckets(range)} on hb.hour = r.hour`;
  const where = inScope(scope, range);
  // A row's latencies (and runs) as text: one number per row, or a list per agent-hour.
  const text = (column: SQL) => (perOrganization ? sql`${column}::text` : sql`array_to_string(${column}, ',')`);
  const limit = options.pairsSentAsStored ?? LATENCY_PAIRS_SENT_AS_STORED;
  // The rows' lists as stored, unless the range holds more pairs than the limit: then
  // nothing is sent and the buckets are merged in the database instead.
  let result = await db.execute(sql`
    select x.bucket, case when x.pairs <= ${limit} then x.latencies end as latencies,
      case when x.pairs <= ${limit} then x.runs end as runs, x.pairs
    from (
      select ${bucket} as bucket, string_agg(${text(sql`r.latency_ms`)}, ',') as latencies,
        string_agg(${text(sql`r.runs`)}, ',') as runs,
        sum(sum(${perOrganization ? sql`1` : sql`cardinality(r.latency_ms)`})) over ()::float8 as pairs
      from ${table} r ${join} where ${where} group by 1
    ) x
    order by 1`);
  if (rowsOf(result).some((row) => num(row.pairs) > limit)) {
    result = await db.execute(sql`
      select g.bucket, string_agg(g.ms::text, ',') as latencies, string_agg(g.n::text, ',') as runs
      from (
        select ${bucket} as bucket, u.ms, sum(u.n) as n
        from ${table} r ${join}
        cross join lateral ${perOrganization ? sql`(select r.latency_ms as ms, r.runs as n)` : sql`unnest(r.latency_ms, r.runs)`} as u(ms, n)
        where ${where}
        group by 1, 2
      ) g
      group by 1 order by 1`);
  }
  const buckets = rowsOf(result)
    .filter((row) => row.latencies !== null)
    .map((row) => ({ bucket: row.bucket === null ? null : new Date(row.bucket as string), ...histogram(row) }));
  const series = buckets.map(({ bucket, counts }) => ({ bucket, ...percentiles(counts) }));
  if (!options.andWhole) return series;
  const whole = new Map<number, number>();
  for (const { counts } of buckets) for (const [ms, n] of counts) whole.set(ms, (whole.get(ms) ?? 0) + n);
  return whole.size ? [...series, { bucket: null, ...percentiles(whole) }] : series;
}

/** A bucket's two aligned lists (one aggregate pass fills both) as runs per latency. */
function histogram(row: Record<string, unknown>): { counts: Map<number, number> } {
  const latencies = String(row.latencies).split(",");
  const runs = String(row.runs).split(",");
  if (latencies.length !== runs.length) throw new Error("latency histogram lists differ in length");
  const counts = new Map<number, number>();
  for (let i = 0; i < latencies.length; i++) {
    const ms = Number(latencies[i]);
    counts.set(ms, (counts.get(ms) ?? 0) + Number(runs[i]));
  }
  return { counts };
}

/** p50/p95/p99 by nearest rank: the first latency whose running count reaches ceil(p × runs), as percentile_disc. */
function percentiles(counts: Map<number, number>) {
  const latencies = Float64Array.from(counts.keys()).sort();
  let runs = 0;
  for (const n of counts.values()) runs += n;
  const ranks = [0.5, 0.95, 0.99].map((p) => Math.max(1, Math.ceil(p * runs)));
  const found: number[] = [];
  let below = 0;
  for (const ms of latencies) {
    below += counts.get(ms)!;
    while (found.length < ranks.length && below >= ranks[found.length]!) found.push(ms);
    if (found.length === ranks.length) break;
  }
  return { runs, p50: found[0]!, p95: found[1]!, p99: found[2]! };
}

/** Failed and timed-out runs per error code over the range, most frequent first. */
export async function errorCounts(db: Db, scope: DashboardScope, range: DashboardRange) {
  const result = await db.execute(sql`
    select r.error_code, sum(r.runs)::float8 as runs
    from run_error_rollups r
    where ${inScope(scope, range)}
    group by 1
    order by 2 desc, 1
    limit 50`);
  return rowsOf(result).map((row) => ({ errorCode: String(row.error_code), runs: num(row.runs) }));
}

/**
 * Runs per buying organisation of a creator's agents (names only: organisations that paid
 * are the creator's customers; their inputs stay theirs), most runs first.
 */
export async function runsByOrganization(
  db: Db,
  scope: Extract<DashboardScope, { kind: "creator" }>,
  range: DashboardRange,
) {
  const result = await db.execute(sql`
    select r.org_id, o.name, sum(r.runs)::float8 as runs, sum(r.credits_used)::float8 as credits_used,
      sum(r.failed + r.timed_out)::float8 as failures
    from run_rollups r
    left join organizations o on o.id = r.org_id
    where ${inScope(scope, range)}
    group by 1, 2
    order by 3 desc, 2
    limit 50`);
  return rowsOf(result).map((row) => ({
    orgId: String(row.org_id),
    name: row.name === null ? null : String(row.name),
    runs: num(row.runs),
    creditsUsed: num(row.credits_used),
    failures: num(row.failures),
  }));
}

/** Runs per agent (creator or buyer scope) over the range, with the agent's name and slug. */
export async function runsByAgent(db: Db, scope: DashboardScope, range: DashboardRange) {
  const result = await db.execute(sql`
    select r.agent_id, a.name, a.slug, sum(r.runs)::float8 as runs, sum(r.credits_used)::float8 as credits_used,
      sum(r.failed + r.timed_out)::float8 as failures, sum(r.duration_ms_sum)::float8 as duration_ms_sum
    from ${runsTable(scope)} r
    join agents a on a.id = r.agent_id
    where ${inScope(scope, range, { apiKey: true })}
    group by 1, 2, 3
    order by 4 desc, 2`);
  return rowsOf(result).map((row) => ({
    agentId: String(row.agent_id),
    name: String(row.name),
    slug: String(row.slug),
    runs: num(row.runs),
    creditsUsed: num(row.credits_used),
    failures: num(row.failures),
    durationMsSum: num(row.duration_ms_sum),
  }));
}

/** An organisation's runs per API key over the range, with the key's name and prefix. */
export async function runsByApiKey(db: Db, scope: Extract<DashboardScope, { kind: "buyer" }>, range: DashboardRange) {
  const result = await db.execute(sql`
    select r.api_key_id, k.name, k.prefix, sum(r.runs)::float8 as runs, sum(r.credits_used)::float8 as credits_used,
      sum(r.failed + r.timed_out)::float8 as failures
    from run_rollups r
    left join api_keys k on k.id = r.api_key_id and k.org_id = r.org_id
    where ${inScope(scope, range, { apiKey: true })}
    group by 1, 2, 3
    order by 4 desc, 2`);
  return rowsOf(result).map((row) => ({
    apiKeyId: String(row.api_key_id),
    name: row.name === null ? null : String(row.name),
    prefix: row.prefix === null ? null : String(row.prefix),
    runs: num(row.runs),
    creditsUsed: num(row.credits_used),
    failures: num(row.failures),
  }));
}

/**
 * Settled on-chain purchases of a creator's agents per bucket and token: what buyers paid,
 * to the wei (as decimal strings), and the runs they bought.
 */
export async function revenueSeries(
  db: Db,
  scope: Extract<DashboardScope, { kind: "creator" }>,
  range: DashboardRange,
) {
  const result = await db.execute(sql`
    select date_trunc(${range.bucket}, p.created_at, ${range.timeZone}) as bucket, p.token,
      sum(p.amount_wei)::text as amount_wei, sum(p.runs)::text as runs, count(*)::int as purchases
    from purchases p
    join agents a on a.id = p.agent_id
    where a.owner_id = ${scope.ownerId}
      ${scope.agentId ? sql`and p.agent_id = ${scope.agentId}` : sql``}
      and p.created_at >= ${range.from.toISOString()}::timestamptz and p.created_at < ${range.to.toISOString()}::timestamptz
    group by 1, 2
    order by 1, 2`);
  return rowsOf(result).map((row) => ({
    bucket: new Date(row.bucket as string),
    token: String(row.token),
    amountWei: String(row.amount_wei),
    runs: String(row.runs),
    purchases: num(row.purchases),
  }));
}

/** Ratings of a creator's agents given in the range: per bucket (count and mean) and per score. */
export async function ratingSummary(
  db: Db,
  scope: Extract<DashboardScope, { kind: "creator" }>,
  range: DashboardRange,
) {
  const where = sql`a.owner_id = ${scope.ownerId}
      ${scope.agentId ? sql`and g.agent_id = ${scope.agentId}` : sql``}
      and g.created_at >= ${range.from.toISOString()}::timestamptz and g.created_at < ${range.to.toISOString()}::timestamptz`;
  const [series, distribution] = await Promise.all([
    db.execute(sql`
      select date_trunc(${range.bucket}, g.created_at, ${range.timeZone}) as bucket, count(*)::int as ratings,
        avg(g.score)::float8 as mean
      from ratings g join agents a on a.id = g.agent_id
      where ${where}
      group by 1 order by 1`),
    db.execute(sql`
      select g.score, count(*)::int as ratings
      from ratings g join agents a on a.id = g.agent_id
      where ${where}
      group by 1 order by 1`),
  ]);
  const byScore = new Map(rowsOf(distribution).map((row) => [num(row.score), num(row.ratings)]));
  return {
    series: rowsOf(series).map((row) => ({
      bucket: new Date(row.bucket as string),
      ratings: num(row.ratings),
      mean: num(row.mean),
    })),
    distribution: [1, 2, 3, 4, 5].map((score) => ({ score, ratings: byScore.get(score) ?? 0 })),
  };
}

/** How many on-chain ratings of each score (1 to 5) an agent has. */
export async function agentRatingDistribution(db: Db, params: { agentId: string }) {
  const result = await db.execute(sql`
    select score, count(*)::int as ratings from ratings where agent_id = ${params.agentId} group by 1`);
  const byScore = new Map(rowsOf(result).map((row) => [num(row.score), num(row.ratings)]));
  return [1, 2, 3, 4, 5].map((score) => ({ score, ratings: byScore.get(score) ?? 0 }));
}

/**
 * Adds up to `maxRuns` runs that finish_runs queued to the rollups, once each. Returns how
 * many, the (agent owner, buying organisation) pairs they concern, and the agents that ran.
 */
export async function rollUpQueuedRuns(db: Db, params: { maxRuns: number }) {
  const result = await db.execute(sql`select * from roll_up_queued_runs(${params.maxRuns}::int)`);
  const rows = rowsOf(result).filter((row) => row.owner_id !== null);
  const audiences = new Map<string, { ownerId: string; orgId: string | null }>();
  for (const row of rows) {
    const orgId = row.org_id === null ? null : String(row.org_id);
    audiences.set(`${String(row.owner_id)}/${orgId}`, { ownerId: String(row.owner_id), orgId });
  }
  return {
    runs: rowsOf(result).reduce((n, row) => n + num(row.runs), 0),
    audiences: [...audiences.values()],
    agentIds: [...new Set(rows.map((row) => String(row.agent_id)))],
  };
}

/** Empties the rollups and adds every finished run again; returns how many executions it read. */
export async function rebuildRunRollups(db: Db): Promise<number> {
  const result = await db.execute(sql`select rebuild_run_rollups() as n`);
  return num(rowsOf(result)[0]?.n);
}

/**
 * Fills the rollups from executions when they are empty but finished runs exist (a
 * database from before the rollups); otherwise does nothing.
 */
export async function rebuildRunRollupsIfMissing(db: Db): Promise<number | null> {
  const result = await db.execute(sql`
    select (not exists (select 1 from run_rollups) or not exists (select 1 from agent_run_rollups)
        or not exists (select 1 from agent_latency_rollups))
      and exists (select 1 from executions where status <> 'running' and source <> 'playground') as missing`);
  return rowsOf(result)[0]?.missing ? rebuildRunRollups(db) : null;
}
